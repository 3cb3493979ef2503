# p6_target_metric_min_sym_eigenvalue: metric min_sym_eigenvalue against iteration
# Data: p6_target_metric_min_sym_eigenvalue.dat (from results/bartlett_targets). Run: cd to this directory, gnuplot p6_target_metric_min_sym_eigenvalue.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,init=identity)+gd  [tuned lr=0.3]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,init=identity)+gd  [tuned lr=0.001]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,init=identity)+gd  [tuned lr=0.3]  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=4,init=identity)+gd  [tuned lr=0.3]  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=8,init=identity)+gd  [tuned lr=0.3]  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=16,init=identity)+gd  [tuned lr=0.3]  (style 5: #56B4E9, dash 1)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,580 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p6_target_metric_min_sym_eigenvalue.svg'
set datafile missing 'NaN'
set title 'Problem 6: target(kind=negative_eigenvalue,d=10,lambda=1,basis=standard)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'smallest eigenvalue of (min_sym_eigenvalue)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set style fill transparent solid 0.15 noborder
plot \
  'p6_target_metric_min_sym_eigenvalue.dat' index 0 using ($1+1):3:4 with filledcurves fc rgb '#0072B2' notitle, \
  '' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1)+gd @ lr=0.3', \
  'p6_target_metric_min_sym_eigenvalue.dat' index 1 using ($1+1):3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2)+gd @ lr=0.001', \
  'p6_target_metric_min_sym_eigenvalue.dat' index 2 using ($1+1):3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3)+gd @ lr=0.3', \
  'p6_target_metric_min_sym_eigenvalue.dat' index 3 using ($1+1):3:4 with filledcurves fc rgb '#CC79A7' notitle, \
  '' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=4)+gd @ lr=0.3', \
  'p6_target_metric_min_sym_eigenvalue.dat' index 4 using ($1+1):3:4 with filledcurves fc rgb '#E69F00' notitle, \
  '' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear(depth=8)+gd @ lr=0.3', \
  'p6_target_metric_min_sym_eigenvalue.dat' index 5 using ($1+1):3:4 with filledcurves fc rgb '#56B4E9' notitle, \
  '' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear(depth=16)+gd @ lr=0.3'
