# p1_lp_regression_metric_lr: metric lr against iteration
# Data: p1_lp_regression_metric_lr.dat (from results/arora2018_schedules). Run: cd to this directory, gnuplot p1_lp_regression_metric_lr.gp
# Lines: median over seeds (no min-max bands: 28 models, more than 6; the bands are in the .dat file). Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+gd(schedule=constant)  [tuned lr=0.01]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+gd(schedule=cosine/warmup=200)  [tuned lr=0.05]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+momentum(schedule=constant)  [tuned lr=0.005]  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+momentum(schedule=cosine/warmup=200)  [tuned lr=0.005]  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+adam(schedule=constant)  [tuned lr=0.003]  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+adam(schedule=cosine/warmup=200)  [tuned lr=0.003]  (style 5: #56B4E9, dash 1)
#   index 6: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+adamw(weight_decay=0.0001,schedule=constant)  [tuned lr=0.003]  (style 6: #000000, dash 1)
#   index 7: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+adamw(weight_decay=0.0001,schedule=cosine/warmup=200)  [tuned lr=0.003]  (style 7: #0072B2, dash 2)
#   index 8: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+nadam(schedule=constant)  [tuned lr=0.003]  (style 8: #D55E00, dash 2)
#   index 9: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+nadam(schedule=cosine/warmup=200)  [tuned lr=0.003]  (style 9: #009E73, dash 2)
#   index 10: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+rmsprop(schedule=constant)  [tuned lr=0.001]  (style 10: #CC79A7, dash 2)
#   index 11: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+rmsprop(schedule=cosine/warmup=200)  [tuned lr=0.001]  (style 11: #E69F00, dash 2)
#   index 12: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+lion(schedule=constant)  [tuned lr=0.0001]  (style 12: #56B4E9, dash 2)
#   index 13: deep_linear(depth=1,width=1,init=gaussian,init_std=0.01)+lion(schedule=cosine/warmup=200)  [tuned lr=0.0001]  (style 13: #000000, dash 2)
#   index 14: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+gd(schedule=constant)  [tuned lr=0.05]  (style 14: #0072B2, dash 4)
#   index 15: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+gd(schedule=cosine/warmup=200)  [tuned lr=0.05]  (style 15: #D55E00, dash 4)
#   index 16: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+momentum(schedule=constant)  [tuned lr=0.005]  (style 16: #009E73, dash 4)
#   index 17: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+momentum(schedule=cosine/warmup=200)  [tuned lr=0.005]  (style 17: #CC79A7, dash 4)
#   index 18: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+adam(schedule=constant)  [tuned lr=0.003]  (style 18: #E69F00, dash 4)
#   index 19: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+adam(schedule=cosine/warmup=200)  [tuned lr=0.003]  (style 19: #56B4E9, dash 4)
#   index 20: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+adamw(weight_decay=0.0001,schedule=constant)  [tuned lr=0.003]  (style 20: #000000, dash 4)
#   index 21: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+adamw(weight_decay=0.0001,schedule=cosine/warmup=200)  [tuned lr=0.003]  (style 21: #0072B2, dash 3)
#   index 22: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+nadam(schedule=constant)  [tuned lr=0.003]  (style 22: #D55E00, dash 3)
#   index 23: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+nadam(schedule=cosine/warmup=200)  [tuned lr=0.003]  (style 23: #009E73, dash 3)
#   index 24: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+rmsprop(schedule=constant)  [tuned lr=0.0001]  (style 24: #CC79A7, dash 3)
#   index 25: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+rmsprop(schedule=cosine/warmup=200)  [tuned lr=0.001]  (style 25: #E69F00, dash 3)
#   index 26: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+lion(schedule=constant)  [tuned lr=0.0003]  (style 26: #56B4E9, dash 3)
#   index 27: deep_linear(depth=3,width=1,init=gaussian,init_std=0.01)+lion(schedule=cosine/warmup=200)  [tuned lr=0.0003]  (style 27: #000000, dash 3)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,1100 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_lp_regression_metric_lr.svg'
set datafile missing 'NaN'
set title 'Problem 1: lp_regression(p=4,preset=ethanol,seed=1)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'the step size of the last step (lr)  (log scale)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set logscale y 10
set format y '10^{%L}'
set style fill transparent solid 0.15 noborder
plot \
  'p1_lp_regression_metric_lr.dat' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1)+gd(schedule=constant) @ lr=0.01', \
  'p1_lp_regression_metric_lr.dat' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=1)+gd(schedule=cosine/warmup=200) @ lr=0.05', \
  'p1_lp_regression_metric_lr.dat' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=1)+momentum(schedule=constant) @ lr=0.005', \
  'p1_lp_regression_metric_lr.dat' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=1)+momentum(schedule=cosine/warmup=200) @ lr=0.005', \
  'p1_lp_regression_metric_lr.dat' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear(depth=1)+adam(schedule=constant) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear(depth=1)+adam(schedule=cosine/warmup=200) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 6 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 1 title 'deep_linear(depth=1)+adamw(schedule=constant) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 7 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'deep_linear(depth=1)+adamw(schedule=cosine/warmup=200) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 8 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 2 title 'deep_linear(depth=1)+nadam(schedule=constant) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 9 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 2 title 'deep_linear(depth=1)+nadam(schedule=cosine/warmup=200) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 10 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'deep_linear(depth=1)+rmsprop(schedule=constant) @ lr=0.001', \
  'p1_lp_regression_metric_lr.dat' index 11 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'deep_linear(depth=1)+rmsprop(schedule=cosine/warmup=200) @ lr=0.001', \
  'p1_lp_regression_metric_lr.dat' index 12 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 2 title 'deep_linear(depth=1)+lion(schedule=constant) @ lr=0.0001', \
  'p1_lp_regression_metric_lr.dat' index 13 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 2 title 'deep_linear(depth=1)+lion(schedule=cosine/warmup=200) @ lr=0.0001', \
  'p1_lp_regression_metric_lr.dat' index 14 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 4 title 'deep_linear(depth=3)+gd(schedule=constant) @ lr=0.05', \
  'p1_lp_regression_metric_lr.dat' index 15 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 4 title 'deep_linear(depth=3)+gd(schedule=cosine/warmup=200) @ lr=0.05', \
  'p1_lp_regression_metric_lr.dat' index 16 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 4 title 'deep_linear(depth=3)+momentum(schedule=constant) @ lr=0.005', \
  'p1_lp_regression_metric_lr.dat' index 17 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 4 title 'deep_linear(depth=3)+momentum(schedule=cosine/warmup=200) @ lr=0.005', \
  'p1_lp_regression_metric_lr.dat' index 18 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 4 title 'deep_linear(depth=3)+adam(schedule=constant) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 19 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 4 title 'deep_linear(depth=3)+adam(schedule=cosine/warmup=200) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 20 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 4 title 'deep_linear(depth=3)+adamw(schedule=constant) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 21 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 3 title 'deep_linear(depth=3)+adamw(schedule=cosine/warmup=200) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 22 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 3 title 'deep_linear(depth=3)+nadam(schedule=constant) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 23 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 3 title 'deep_linear(depth=3)+nadam(schedule=cosine/warmup=200) @ lr=0.003', \
  'p1_lp_regression_metric_lr.dat' index 24 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 3 title 'deep_linear(depth=3)+rmsprop(schedule=constant) @ lr=0.0001', \
  'p1_lp_regression_metric_lr.dat' index 25 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 3 title 'deep_linear(depth=3)+rmsprop(schedule=cosine/warmup=200) @ lr=0.001', \
  'p1_lp_regression_metric_lr.dat' index 26 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 3 title 'deep_linear(depth=3)+lion(schedule=constant) @ lr=0.0003', \
  'p1_lp_regression_metric_lr.dat' index 27 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 3 title 'deep_linear(depth=3)+lion(schedule=cosine/warmup=200) @ lr=0.0003'
