# p1_matrix_sensing_metric_singular_values_7: metric singular_values_7 against iteration
# Data: p1_matrix_sensing_metric_singular_values_7.dat (from results/cohen_razin_completion). Run: cd to this directory, gnuplot p1_matrix_sensing_metric_singular_values_7.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,init=gaussian,init_std=0.01)+gd  [tuned lr=100]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,width=100,init=gaussian,init_std=0.01)+gd  [tuned lr=30]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,width=100,init=gaussian,init_std=0.01)+gd  [tuned lr=10]  (style 2: #009E73, dash 1)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,580 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_matrix_sensing_metric_singular_values_7.svg'
set datafile missing 'NaN'
set title 'Problem 1: matrix_sensing(mode=completion,k=100,d=100,rank=5,m=2000,seed=1,nuclear_reference=true,' . "\n" . 'nuclear_tol=1e-09)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'the record.top_k largest singular values of W_e, ' . "\n" . 'column 7 (singular_values_7)  (log scale)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.15 noborder
plot \
  'p1_matrix_sensing_metric_singular_values_7.dat' index 0 using ($1+1):3:4 with filledcurves fc rgb '#0072B2' notitle, \
  '' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1)+gd @ lr=100', \
  'p1_matrix_sensing_metric_singular_values_7.dat' index 1 using ($1+1):3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2,width=100)+gd @ lr=30', \
  'p1_matrix_sensing_metric_singular_values_7.dat' index 2 using ($1+1):3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3,width=100)+gd @ lr=10'
