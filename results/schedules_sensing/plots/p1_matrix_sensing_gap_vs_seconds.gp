# p1_matrix_sensing_gap_vs_seconds: loss gap l - l* against seconds of timed work
# Data: p1_matrix_sensing_gap_vs_seconds.dat (from results/schedules_sensing). Run: cd to this directory, gnuplot p1_matrix_sensing_gap_vs_seconds.gp
# Lines: median over seeds (no min-max bands: 14 models, more than 6; the bands are in the .dat file). Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+gd(schedule=constant)  [tuned lr=3]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+gd(schedule=cosine/warmup=200)  [tuned lr=3]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+momentum(schedule=constant)  [tuned lr=0.3]  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+momentum(schedule=cosine/warmup=200)  [tuned lr=0.3]  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+adam(schedule=constant)  [tuned lr=0.1]  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+adam(schedule=cosine/warmup=200)  [tuned lr=0.03]  (style 5: #56B4E9, dash 1)
#   index 6: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+adamw(weight_decay=0.0001,schedule=constant)  [tuned lr=0.3]  (style 6: #000000, dash 1)
#   index 7: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+adamw(weight_decay=0.0001,schedule=cosine/warmup=200)  [tuned lr=0.03]  (style 7: #0072B2, dash 2)
#   index 8: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+nadam(schedule=constant)  [tuned lr=0.001]  (style 8: #D55E00, dash 2)
#   index 9: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+nadam(schedule=cosine/warmup=200)  [tuned lr=0.001]  (style 9: #009E73, dash 2)
#   index 10: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+rmsprop(schedule=constant)  [tuned lr=0.0001]  (style 10: #CC79A7, dash 2)
#   index 11: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+rmsprop(schedule=cosine/warmup=200)  [tuned lr=0.0003]  (style 11: #E69F00, dash 2)
#   index 12: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+lion(schedule=constant)  [tuned lr=0.0001]  (style 12: #56B4E9, dash 2)
#   index 13: deep_linear(depth=3,width=30,init=gaussian,init_std=0.01)+lion(schedule=cosine/warmup=200)  [tuned lr=0.0003]  (style 13: #000000, dash 2)
# target line: stop.target_gap = 1e-06
set terminal svg size 960,700 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_matrix_sensing_gap_vs_seconds.svg'
set datafile missing 'NaN'
set title 'Problem 1: matrix_sensing(mode=sensing,k=30,d=30,rank=3,m=500,seed=1)' noenhanced
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
  'p1_matrix_sensing_gap_vs_seconds.dat' index 0 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear+gd(schedule=constant) @ lr=3', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 1 using 1:2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear+gd(schedule=cosine/warmup=200) @ lr=3', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 2 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear+momentum(schedule=constant) @ lr=0.3', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 3 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear+momentum(schedule=cosine/warmup=200) @ lr=0.3', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 4 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear+adam(schedule=constant) @ lr=0.1', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 5 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear+adam(schedule=cosine/warmup=200) @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 6 using 1:2 with lines lw 2 lc rgb '#000000' dt 1 title 'deep_linear+adamw(schedule=constant) @ lr=0.3', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 7 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'deep_linear+adamw(schedule=cosine/warmup=200) @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 8 using 1:2 with lines lw 2 lc rgb '#D55E00' dt 2 title 'deep_linear+nadam(schedule=constant) @ lr=0.001', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 9 using 1:2 with lines lw 2 lc rgb '#009E73' dt 2 title 'deep_linear+nadam(schedule=cosine/warmup=200) @ lr=0.001', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 10 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'deep_linear+rmsprop(schedule=constant) @ lr=0.0001', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 11 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'deep_linear+rmsprop(schedule=cosine/warmup=200) @ lr=0.0003', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 12 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 2 title 'deep_linear+lion(schedule=constant) @ lr=0.0001', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 13 using 1:2 with lines lw 2 lc rgb '#000000' dt 2 title 'deep_linear+lion(schedule=cosine/warmup=200) @ lr=0.0003', \
  'p1_matrix_sensing_gap_vs_seconds.dat' index 14 using 1:2 with lines lw 1.5 lc rgb '#555555' dt 3 title 'target  (stop.target_gap = 1e-06)'
