# p1_matrix_sensing_metric_singular_values_7: metric singular_values_7 against iteration
# Data: p1_matrix_sensing_metric_singular_values_7.dat (from results/cohen_razin_completion). Run: cd to this directory, gnuplot p1_matrix_sensing_metric_singular_values_7.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,init=gaussian,init_std=0.01)+gd  [tuned lr=100]
#   index 1: deep_linear(depth=2,width=100,init=gaussian,init_std=0.01)+gd  [tuned lr=30]
#   index 2: deep_linear(depth=3,width=100,init=gaussian,init_std=0.01)+gd  [tuned lr=10]
set terminal svg size 900,566 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_matrix_sensing_metric_singular_values_7.svg'
set datafile missing 'NaN'
set title 'Problem 1: matrix_sensing(mode=completion,k=100,d=100,rank=5,m=2000,seed=1,nuclear_reference=true,nuclear_tol=1e-09)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'singular_values_7' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.18 noborder
plot \
  'p1_matrix_sensing_metric_singular_values_7.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=1)+gd @ lr=100', \
  'p1_matrix_sensing_metric_singular_values_7.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2,width=100)+gd @ lr=30', \
  'p1_matrix_sensing_metric_singular_values_7.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=3,width=100)+gd @ lr=10'
