# p1_matrix_sensing_metric_singular_values_2: metric singular_values_2 against iteration
# Data: p1_matrix_sensing_metric_singular_values_2.dat (from results/cohen_razin_norms_diverge). Run: cd to this directory, gnuplot p1_matrix_sensing_metric_singular_values_2.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]
#   index 1: deep_linear(depth=2,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]
#   index 2: deep_linear(depth=3,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]
#   index 3: deep_linear(depth=4,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]
#   index 4: deep_linear(depth=1,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]
#   index 5: deep_linear(depth=2,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]
#   index 6: deep_linear(depth=3,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]
#   index 7: deep_linear(depth=4,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]
set terminal svg size 900,676 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_matrix_sensing_metric_singular_values_2.svg'
set datafile missing 'NaN'
set title 'Problem 1: matrix_sensing(mode=prop5)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'singular_values_2' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set style fill transparent solid 0.18 noborder
plot \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=1,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=3,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 3 using 1:3:4 with filledcurves fc rgb '#ff7f0e' notitle, \
  '' index 3 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 1 title 'deep_linear(depth=4,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 4 using 1:3:4 with filledcurves fc rgb '#9467bd' notitle, \
  '' index 4 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 1 title 'deep_linear(depth=1,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 5 using 1:3:4 with filledcurves fc rgb '#8c564b' notitle, \
  '' index 5 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 1 title 'deep_linear(depth=2,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 6 using 1:3:4 with filledcurves fc rgb '#e377c2' notitle, \
  '' index 6 using 1:2 with lines lw 2 lc rgb '#e377c2' dt 1 title 'deep_linear(depth=3,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_metric_singular_values_2.dat' index 7 using 1:3:4 with filledcurves fc rgb '#17becf' notitle, \
  '' index 7 using 1:2 with lines lw 2 lc rgb '#17becf' dt 1 title 'deep_linear(depth=4,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03'
