# p1_dataset_metric_test_loss: metric test_loss against iteration
# Data: p1_dataset_metric_test_loss.dat (from results/fmnist_logreg). Run: cd to this directory, gnuplot p1_dataset_metric_test_loss.gp
# Lines: median over seeds; bands: min to max. Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: linear+gd(batch_size=128)  [tuned lr=0.1]  (style 0: #0072B2, dash 1)
#   index 1: linear+gd(batch_size=full)  [tuned lr=0.1]  (style 1: #D55E00, dash 1)
#   index 2: linear+momentum(momentum=0.9,batch_size=128)  [tuned lr=0.1]  (style 2: #009E73, dash 1)
#   index 3: linear+momentum(momentum=0.9,batch_size=full)  [tuned lr=0.1]  (style 3: #CC79A7, dash 1)
#   index 4: linear+adam(batch_size=128)  [tuned lr=0.003]  (style 4: #E69F00, dash 1)
#   index 5: linear+adam(batch_size=full)  [tuned lr=0.003]  (style 5: #56B4E9, dash 1)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,600 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_dataset_metric_test_loss.svg'
set datafile missing 'NaN'
set title 'Problem 1: dataset(name=fashion_mnist,loss=softmax,subset=10000)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'loss on the problem\x27s held-out test samples ' . "\n" . '(test_loss)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set style fill transparent solid 0.15 noborder
plot \
  'p1_dataset_metric_test_loss.dat' index 0 using ($1+1):3:4 with filledcurves fc rgb '#0072B2' notitle, \
  '' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'linear+gd(batch_size=128) @ lr=0.1', \
  'p1_dataset_metric_test_loss.dat' index 1 using ($1+1):3:4 with filledcurves fc rgb '#D55E00' notitle, \
  '' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'linear+gd(batch_size=full) @ lr=0.1', \
  'p1_dataset_metric_test_loss.dat' index 2 using ($1+1):3:4 with filledcurves fc rgb '#009E73' notitle, \
  '' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'linear+momentum(batch_size=128) @ lr=0.1', \
  'p1_dataset_metric_test_loss.dat' index 3 using ($1+1):3:4 with filledcurves fc rgb '#CC79A7' notitle, \
  '' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'linear+momentum(batch_size=full) @ lr=0.1', \
  'p1_dataset_metric_test_loss.dat' index 4 using ($1+1):3:4 with filledcurves fc rgb '#E69F00' notitle, \
  '' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'linear+adam(batch_size=128) @ lr=0.003', \
  'p1_dataset_metric_test_loss.dat' index 5 using ($1+1):3:4 with filledcurves fc rgb '#56B4E9' notitle, \
  '' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'linear+adam(batch_size=full) @ lr=0.003'
