# p1_lsq_metric_dist_to_reference: metric dist_to_reference against iteration
# Data: p1_lsq_metric_dist_to_reference.dat (from results/init_bias_depth_stability). Run: cd to this directory, gnuplot p1_lsq_metric_dist_to_reference.gp
# Lines: median over seeds (no min-max bands: 16 models, more than 6; the bands are in the .dat file). Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=4,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=5,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=6,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 5: #56B4E9, dash 1)
#   index 6: deep_linear(depth=7,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 6: #000000, dash 1)
#   index 7: deep_linear(depth=8,init=perturbed_range,init_std=0.1,perturbation=1)+gd  [tuned lr=0.05]  (style 7: #0072B2, dash 2)
#   index 8: deep_linear(depth=1,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 8: #D55E00, dash 2)
#   index 9: deep_linear(depth=2,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 9: #009E73, dash 2)
#   index 10: deep_linear(depth=3,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 10: #CC79A7, dash 2)
#   index 11: deep_linear(depth=4,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 11: #E69F00, dash 2)
#   index 12: deep_linear(depth=5,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 12: #56B4E9, dash 2)
#   index 13: deep_linear(depth=6,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 13: #000000, dash 2)
#   index 14: deep_linear(depth=7,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 14: #0072B2, dash 4)
#   index 15: deep_linear(depth=8,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  [tuned lr=0.05]  (style 15: #D55E00, dash 4)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,700 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_lsq_metric_dist_to_reference.svg'
set datafile missing 'NaN'
set title 'Problem 1: lsq(m=20,d=50,condition=10,noise=0)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel '||W_e - theta*||_F, theta* the problem\x27s reference ' . "\n" . 'solution (dist_to_reference)  (log scale)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.15 noborder
plot \
  'p1_lsq_metric_dist_to_reference.dat' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=4)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear(depth=5)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear(depth=6)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 6 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 1 title 'deep_linear(depth=7)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 7 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'deep_linear(depth=8)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 8 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 2 title 'deep_linear(depth=1,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 9 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 2 title 'deep_linear(depth=2,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 10 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'deep_linear(depth=3,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 11 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'deep_linear(depth=4,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 12 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 2 title 'deep_linear(depth=5,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 13 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 2 title 'deep_linear(depth=6,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 14 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 4 title 'deep_linear(depth=7,perturbation_shape=full)+gd @ lr=0.05', \
  'p1_lsq_metric_dist_to_reference.dat' index 15 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 4 title 'deep_linear(depth=8,perturbation_shape=full)+gd @ lr=0.05'
