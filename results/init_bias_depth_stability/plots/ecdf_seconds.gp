# ecdf_seconds: multi-target ECDF (COCO's runtime ECDF) over 8 (problem, target) pairs, 1 problems: targets
# are the gap decades 1e-1..1e-8 at or above stop.target_gap and the smallest gap recorded on the problem;
# a model (best tuned setting) reaches a pair at the median over seeds of its first checkpoint with gap <= target.
# Data: ecdf_seconds.dat (from results/init_bias_depth_stability).
#   index 0: deep_linear(depth=1,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=4,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=5,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=6,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 5: #56B4E9, dash 1)
#   index 6: deep_linear(depth=7,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 6: #000000, dash 1)
#   index 7: deep_linear(depth=8,init=perturbed_range,init_std=0.1,perturbation=1)+gd  (style 7: #0072B2, dash 2)
#   index 8: deep_linear(depth=1,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 8: #D55E00, dash 2)
#   index 9: deep_linear(depth=2,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 9: #009E73, dash 2)
#   index 10: deep_linear(depth=3,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 10: #CC79A7, dash 2)
#   index 11: deep_linear(depth=4,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 11: #E69F00, dash 2)
#   index 12: deep_linear(depth=5,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 12: #56B4E9, dash 2)
#   index 13: deep_linear(depth=6,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 13: #000000, dash 2)
#   index 14: deep_linear(depth=7,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 14: #0072B2, dash 4)
#   index 15: deep_linear(depth=8,init=perturbed_range,init_std=0.1,perturbation=1,perturbation_shape=full)+gd  (style 15: #D55E00, dash 4)
set terminal svg size 960,860 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'ecdf_seconds.svg'
set datafile missing 'NaN'
set title 'ECDF over 8 (problem, target) pairs, 1 problem' noenhanced
set xlabel 'budget (seconds, log scale)' noenhanced
set ylabel 'fraction of (problem, target) pairs reached' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set xrange [1e-06:0.1]
set yrange [0:1.05]
plot \
  'ecdf_seconds.dat' index 0 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 1 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 2 using 1:2 with steps lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 3 using 1:2 with steps lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=4)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 4 using 1:2 with steps lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear(depth=5)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 5 using 1:2 with steps lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear(depth=6)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 6 using 1:2 with steps lw 2 lc rgb '#000000' dt 1 title 'deep_linear(depth=7)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 7 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 2 title 'deep_linear(depth=8)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 8 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 2 title 'deep_linear(depth=1,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 9 using 1:2 with steps lw 2 lc rgb '#009E73' dt 2 title 'deep_linear(depth=2,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 10 using 1:2 with steps lw 2 lc rgb '#CC79A7' dt 2 title 'deep_linear(depth=3,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 11 using 1:2 with steps lw 2 lc rgb '#E69F00' dt 2 title 'deep_linear(depth=4,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 12 using 1:2 with steps lw 2 lc rgb '#56B4E9' dt 2 title 'deep_linear(depth=5,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 13 using 1:2 with steps lw 2 lc rgb '#000000' dt 2 title 'deep_linear(depth=6,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 14 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 4 title 'deep_linear(depth=7,perturbation_shape=full)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 15 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 4 title 'deep_linear(depth=8,perturbation_shape=full)+gd  (ever: 1.00)'
