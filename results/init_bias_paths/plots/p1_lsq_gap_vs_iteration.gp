# p1_lsq_gap_vs_iteration: loss gap l - l* against iteration
# Data: p1_lsq_gap_vs_iteration.dat (from results/init_bias_paths). Run: cd to this directory, gnuplot p1_lsq_gap_vs_iteration.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: linear+gd  [tuned lr=0.1]  (style 0: #0072B2, dash 1)
#   index 1: compact_h1(init_std=0.01)+gd  [tuned lr=0.1]  (style 1: #D55E00, dash 1)
#   index 2: compact_h2(init_std=0.01)+gd  [tuned lr=0.1]  (style 2: #009E73, dash 1)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
# target line: stop.target_gap = 1e-14
set terminal svg size 960,580 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_lsq_gap_vs_iteration.svg'
set datafile missing 'NaN'
set title 'Problem 1: lsq(m=100,d=1000,condition=1,noise=0,seed=7)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'loss gap  l − l*  (log scale)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.15 noborder
plot \
  'p1_lsq_gap_vs_iteration.dat' index 0 using ($1+1):3:4 with filledcurves fc rgb '#0072B2' notitle, \
  '' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'linear+gd @ lr=0.1', \
  'p1_lsq_gap_vs_iteration.dat' index 1 using ($1+1):3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'compact_h1(init_std=0.01)+gd @ lr=0.1', \
  'p1_lsq_gap_vs_iteration.dat' index 2 using ($1+1):3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'compact_h2(init_std=0.01)+gd @ lr=0.1', \
  'p1_lsq_gap_vs_iteration.dat' index 3 using ($1+1):2 with lines lw 1.5 lc rgb '#555555' dt 3 title 'target  (stop.target_gap = 1e-14)'
