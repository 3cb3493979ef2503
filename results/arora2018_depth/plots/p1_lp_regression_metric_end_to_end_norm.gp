# p1_lp_regression_metric_end_to_end_norm: metric end_to_end_norm against iteration
# Data: p1_lp_regression_metric_end_to_end_norm.dat (from results/arora2018_depth). Run: cd to this directory, gnuplot p1_lp_regression_metric_end_to_end_norm.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+gd  [tuned lr=0.05]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,width=1,init=gaussian,init_std=0.01)+gd  [tuned lr=0.05]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+gd  [tuned lr=0.05]  (style 2: #009E73, dash 1)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,560 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_lp_regression_metric_end_to_end_norm.svg'
set datafile missing 'NaN'
set title 'Problem 1: lp_regression(p=2,preset=ethanol,seed=1)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'Frobenius norm ||W_e||_F (end_to_end_norm)  (log ' . "\n" . 'scale)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.15 noborder
plot \
  'p1_lp_regression_metric_end_to_end_norm.dat' index 0 using ($1+1):3:4 with filledcurves fc rgb '#0072B2' notitle, \
  '' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1)+gd @ lr=0.05', \
  'p1_lp_regression_metric_end_to_end_norm.dat' index 1 using ($1+1):3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2)+gd @ lr=0.05', \
  'p1_lp_regression_metric_end_to_end_norm.dat' index 2 using ($1+1):3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3)+gd @ lr=0.05'
