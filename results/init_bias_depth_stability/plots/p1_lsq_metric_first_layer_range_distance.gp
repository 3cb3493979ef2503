# p1_lsq_metric_first_layer_range_distance: metric first_layer_range_distance against iteration
# Data: p1_lsq_metric_first_layer_range_distance.dat (from results/init_bias_depth_stability). Run: cd to this directory, gnuplot p1_lsq_metric_first_layer_range_distance.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 1: deep_linear(depth=2,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 2: deep_linear(depth=3,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 3: deep_linear(depth=4,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 4: deep_linear(depth=5,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 5: deep_linear(depth=6,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 6: deep_linear(depth=7,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 7: deep_linear(depth=8,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]
#   index 8: deep_linear(depth=1,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 9: deep_linear(depth=2,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 10: deep_linear(depth=3,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 11: deep_linear(depth=4,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 12: deep_linear(depth=5,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 13: deep_linear(depth=6,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 14: deep_linear(depth=7,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
#   index 15: deep_linear(depth=8,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]
set terminal svg size 900,852 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_lsq_metric_first_layer_range_distance.svg'
set datafile missing 'NaN'
set title 'Problem 1: lsq(m=20,d=50,condition=10,noise=0)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'first_layer_range_distance' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set style fill transparent solid 0.18 noborder
plot \
  'p1_lsq_metric_first_layer_range_distance.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=1)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=3)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 3 using 1:3:4 with filledcurves fc rgb '#ff7f0e' notitle, \
  '' index 3 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 1 title 'deep_linear(depth=4)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 4 using 1:3:4 with filledcurves fc rgb '#9467bd' notitle, \
  '' index 4 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 1 title 'deep_linear(depth=5)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 5 using 1:3:4 with filledcurves fc rgb '#8c564b' notitle, \
  '' index 5 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 1 title 'deep_linear(depth=6)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 6 using 1:3:4 with filledcurves fc rgb '#e377c2' notitle, \
  '' index 6 using 1:2 with lines lw 2 lc rgb '#e377c2' dt 1 title 'deep_linear(depth=7)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 7 using 1:3:4 with filledcurves fc rgb '#17becf' notitle, \
  '' index 7 using 1:2 with lines lw 2 lc rgb '#17becf' dt 1 title 'deep_linear(depth=8)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 8 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 8 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 2 title 'deep_linear(depth=1,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 9 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 9 using 1:2 with lines lw 2 lc rgb '#d62728' dt 2 title 'deep_linear(depth=2,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 10 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 10 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 2 title 'deep_linear(depth=3,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 11 using 1:3:4 with filledcurves fc rgb '#ff7f0e' notitle, \
  '' index 11 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 2 title 'deep_linear(depth=4,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 12 using 1:3:4 with filledcurves fc rgb '#9467bd' notitle, \
  '' index 12 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 2 title 'deep_linear(depth=5,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 13 using 1:3:4 with filledcurves fc rgb '#8c564b' notitle, \
  '' index 13 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 2 title 'deep_linear(depth=6,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 14 using 1:3:4 with filledcurves fc rgb '#e377c2' notitle, \
  '' index 14 using 1:2 with lines lw 2 lc rgb '#e377c2' dt 2 title 'deep_linear(depth=7,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_first_layer_range_distance.dat' index 15 using 1:3:4 with filledcurves fc rgb '#17becf' notitle, \
  '' index 15 using 1:2 with lines lw 2 lc rgb '#17becf' dt 2 title 'deep_linear(depth=8,perturbation_shape=full)+gd @ lr=0.05'
