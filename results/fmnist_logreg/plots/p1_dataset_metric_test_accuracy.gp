# p1_dataset_metric_test_accuracy: metric test_accuracy against iteration
# Data: p1_dataset_metric_test_accuracy.dat (from results/fmnist_logreg). Run: cd to this directory, gnuplot p1_dataset_metric_test_accuracy.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: linear+gd(batch_size=128)  [tuned lr=0.1]
#   index 1: linear+gd(batch_size=full)  [tuned lr=0.1]
#   index 2: linear+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.1]
#   index 3: linear+momentum(momentum=0.9,batch_size=full)  [tuned lr=0.1]
#   index 4: linear+adam(batch_size=128)  [tuned lr=0.003]
#   index 5: linear+adam(batch_size=full)  [tuned lr=0.003]
set terminal svg size 900,632 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'p1_dataset_metric_test_accuracy.svg'
set datafile missing 'NaN'
set title 'Problem 1: dataset(name=fashion_mnist,loss=softmax,subset=10000)' noenhanced
set xlabel 'iteration' noenhanced
set ylabel 'test_accuracy' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set style fill transparent solid 0.18 noborder
plot \
  'p1_dataset_metric_test_accuracy.dat' index 0 using 1:3:4 with filledcurves fc rgb '#1f77b4' notitle, \
  '' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'linear+gd(batch_size=128) @ lr=0.1', \
  'p1_dataset_metric_test_accuracy.dat' index 1 using 1:3:4 with filledcurves fc rgb '#d62728' notitle, \
  '' index 1 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'linear+gd(batch_size=full) @ lr=0.1', \
  'p1_dataset_metric_test_accuracy.dat' index 2 using 1:3:4 with filledcurves fc rgb '#2ca02c' notitle, \
  '' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'linear+momentum(batch_size=128) @ lr=0.1', \
  'p1_dataset_metric_test_accuracy.dat' index 3 using 1:3:4 with filledcurves fc rgb '#ff7f0e' notitle, \
  '' index 3 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 1 title 'linear+momentum(batch_size=full) @ lr=0.1', \
  'p1_dataset_metric_test_accuracy.dat' index 4 using 1:3:4 with filledcurves fc rgb '#9467bd' notitle, \
  '' index 4 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 1 title 'linear+adam(batch_size=128) @ lr=0.003', \
  'p1_dataset_metric_test_accuracy.dat' index 5 using 1:3:4 with filledcurves fc rgb '#8c564b' notitle, \
  '' index 5 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 1 title 'linear+adam(batch_size=full) @ lr=0.003'
