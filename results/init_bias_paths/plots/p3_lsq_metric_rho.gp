# p3_lsq_metric_rho: metric rho against iteration
# Data: p3_lsq_metric_rho.dat (from results/init_bias_paths). Run: cd to this directory, gnuplot p3_lsq_metric_rho.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: compact_h1(init_std=0.01)+gd  [tuned lr=0.1]  (style 1: #D55E00, dash 1)
#   index 1: compact_h2(init_std=0.01)+gd  [tuned lr=0.1]  (style 2: #009E73, dash 1)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,560 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p3_lsq_metric_rho.svg'
set datafile missing 'NaN'
set title 'Problem 3: lsq(m=100,d=1000,condition=100,noise=0,seed=7)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'the scalar rho_k with x_k = rho_k x_0, ||x_0|| = 1 ' . "\n" . '(rho)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set style fill transparent solid 0.15 noborder
plot \
  'p3_lsq_metric_rho.dat' index 0 using ($1+1):3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 0 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'compact_h1(init_std=0.01)+gd @ lr=0.1', \
  'p3_lsq_metric_rho.dat' index 1 using ($1+1):3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 1 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'compact_h2(init_std=0.01)+gd @ lr=0.1'
