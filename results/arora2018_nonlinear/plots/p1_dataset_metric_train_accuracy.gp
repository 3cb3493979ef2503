# p1_dataset_metric_train_accuracy: metric train_accuracy against iteration
# Data: p1_dataset_metric_train_accuracy.dat (from results/arora2018_nonlinear). Run: cd to this directory, gnuplot p1_dataset_metric_train_accuracy.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: mlp(widths=[256],activation=relu)+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.05]
#   index 1: mlp(widths=[256],activation=relu,overparameterize=2)+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.05]
#   index 2: mlp(widths=[256],activation=relu,overparameterize=2,factor_init=random)+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.01]
set terminal svg size 900,566 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_dataset_metric_train_accuracy.svg'
set datafile missing 'NaN'
set title 'Problem 1: dataset(name=fashion_mnist,loss=softmax,subset=10000)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'train_accuracy' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set style fill transparent solid 0.18 noborder
plot \
  'p1_dataset_metric_train_accuracy.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'mlp+momentum @ lr=0.05', \
  'p1_dataset_metric_train_accuracy.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'mlp(overparameterize=2)+momentum @ lr=0.05', \
  'p1_dataset_metric_train_accuracy.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'mlp(overparameterize=2,factor_init=random)+momentum @ lr=0.01'
