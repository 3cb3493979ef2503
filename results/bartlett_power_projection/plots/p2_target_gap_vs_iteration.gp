# p2_target_gap_vs_iteration: loss gap l - l* against iteration
# Data: p2_target_gap_vs_iteration.dat (from results/bartlett_power_projection). Run: cd to this directory, gnuplot p2_target_gap_vs_iteration.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=2,init=identity)+gd  [tuned lr=0.01]
#   index 1: deep_linear(depth=2,init=identity)+power_projection(gamma=0.05)  [tuned lr=0.01]
#   index 2: deep_linear(depth=4,init=identity)+gd  [tuned lr=0.1]
#   index 3: deep_linear(depth=4,init=identity)+power_projection(gamma=0.05)  [tuned lr=0.01]
#   index 4: deep_linear(depth=8,init=identity)+gd  [tuned lr=0.1]
#   index 5: deep_linear(depth=8,init=identity)+power_projection(gamma=0.05)  [tuned lr=0.01]
set terminal svg size 900,632 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p2_target_gap_vs_iteration.svg'
set datafile missing 'NaN'
set title 'Problem 2: target(kind=negative_eigenvalue,d=10,lambda=1,basis=standard)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'loss gap  l − l*' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.18 noborder
plot \
  'p2_target_gap_vs_iteration.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=2)+gd @ lr=0.01', \
  'p2_target_gap_vs_iteration.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2)+power_projection @ lr=0.01', \
  'p2_target_gap_vs_iteration.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=4)+gd @ lr=0.1', \
  'p2_target_gap_vs_iteration.dat' index 3 using 1:3:4 with filledcurves fc rgb '#ff7f0e' notitle, \
  '' index 3 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 1 title 'deep_linear(depth=4)+power_projection @ lr=0.01', \
  'p2_target_gap_vs_iteration.dat' index 4 using 1:3:4 with filledcurves fc rgb '#9467bd' notitle, \
  '' index 4 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 1 title 'deep_linear(depth=8)+gd @ lr=0.1', \
  'p2_target_gap_vs_iteration.dat' index 5 using 1:3:4 with filledcurves fc rgb '#8c564b' notitle, \
  '' index 5 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 1 title 'deep_linear(depth=8)+power_projection @ lr=0.01'
