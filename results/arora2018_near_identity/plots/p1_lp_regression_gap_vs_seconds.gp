# p1_lp_regression_gap_vs_seconds: loss gap l - l* against seconds of timed work
# Data: p1_lp_regression_gap_vs_seconds.dat (from results/arora2018_near_identity). Run: cd to this directory, gnuplot p1_lp_regression_gap_vs_seconds.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,init=gaussian,init_std=0.01)+gd  [tuned lr=0.01]
#   index 1: deep_linear(depth=4,width=1,init=near_identity,init_std=0.01)+gd  [tuned lr=0.01]
#   index 2: deep_linear(depth=8,width=1,init=near_identity,init_std=0.01)+gd  [tuned lr=0.05]
set terminal svg size 900,566 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_lp_regression_gap_vs_seconds.svg'
set datafile missing 'NaN'
set title 'Problem 1: lp_regression(p=4,preset=ethanol,seed=1)' noenhanced
set xlabel 'seconds (timed work)' noenhanced
set ylabel 'loss gap  l − l*' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set format x '10^{%L}'
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.18 noborder
plot \
  'p1_lp_regression_gap_vs_seconds.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=1,init=gaussian)+gd @ lr=0.01', \
  'p1_lp_regression_gap_vs_seconds.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=4,width=1,init=near_identity)+gd @ lr=0.01', \
  'p1_lp_regression_gap_vs_seconds.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=8,width=1,init=near_identity)+gd @ lr=0.05'
