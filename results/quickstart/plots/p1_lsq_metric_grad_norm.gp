# p1_lsq_metric_grad_norm: metric grad_norm against iteration
# Data: p1_lsq_metric_grad_norm.dat (from results/quickstart). Run: cd to this directory, gnuplot p1_lsq_metric_grad_norm.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: linear+gd  [tuned lr=1]
#   index 1: deep_linear(depth=2,width=16,init=gaussian,init_std=0.3)+gd  [tuned lr=1]
#   index 2: deep_linear(depth=3,width=16,init=gaussian,init_std=0.3)+gd  [tuned lr=0.3]
set terminal svg size 900,566 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_lsq_metric_grad_norm.svg'
set datafile missing 'NaN'
set title 'Problem 1: lsq(m=256,d=32,k=1,condition=10,noise=0.1,seed=7)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'grad_norm' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.18 noborder
plot \
  'p1_lsq_metric_grad_norm.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'linear+gd @ lr=1', \
  'p1_lsq_metric_grad_norm.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2)+gd @ lr=1', \
  'p1_lsq_metric_grad_norm.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=3)+gd @ lr=0.3'
