# p1_dataset_gap_vs_seconds: loss gap l - l* against seconds of timed work
# Data: p1_dataset_gap_vs_seconds.dat (from results/arora2018_nonlinear). Run: cd to this directory, gnuplot p1_dataset_gap_vs_seconds.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: mlp(widths=[256],activation=relu)+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.05]  (style 0: #0072B2, dash 1)
#   index 1: mlp(widths=[256],activation=relu,overparameterize=2)+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.05]  (style 1: #D55E00, dash 1)
#   index 2: mlp(widths=[256],activation=relu,overparameterize=2,factor_init=random)+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.01]  (style 2: #009E73, dash 1)
set terminal svg size 960,600 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_dataset_gap_vs_seconds.svg'
set datafile missing 'NaN'
set title 'Problem 1: dataset(name=fashion_mnist,loss=softmax,subset=10000)' noenhanced
set xlabel 'seconds (timed work)  (log scale; 0 not shown)' noenhanced
set ylabel 'loss gap  l − l*  (log scale)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set format x '10^{%L}'
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.15 noborder
plot \
  'p1_dataset_gap_vs_seconds.dat' index 0 using 1:3:4 with filledcurves fc rgb '#0072B2' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'mlp+momentum @ lr=0.05', \
  'p1_dataset_gap_vs_seconds.dat' index 1 using 1:3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'mlp(overparameterize=2)+momentum @ lr=0.05', \
  'p1_dataset_gap_vs_seconds.dat' index 2 using 1:3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'mlp(overparameterize=2,factor_init=random)+momentum @ lr=0.01'
