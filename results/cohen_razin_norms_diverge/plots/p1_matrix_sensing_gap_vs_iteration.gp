# p1_matrix_sensing_gap_vs_iteration: loss gap l - l* against iteration
# Data: p1_matrix_sensing_gap_vs_iteration.dat (from results/cohen_razin_norms_diverge). Run: cd to this directory, gnuplot p1_matrix_sensing_gap_vs_iteration.gp
# Lines: median over seeds (no min-max bands: 8 models, more than 6; the bands are in the .dat file). Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=1,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=4,width=2,init=balanced,init_matrix=[[0.1,0],[0,0.1]])+gd  [tuned lr=0.03]  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=1,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=2,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]  (style 5: #56B4E9, dash 1)
#   index 6: deep_linear(depth=3,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]  (style 6: #000000, dash 1)
#   index 7: deep_linear(depth=4,width=2,init=balanced,init_matrix=[[0.1,0],[0,-0.1]])+gd  [tuned lr=0.03]  (style 7: #0072B2, dash 2)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
# target line: stop.target_gap = 1e-08
set terminal svg size 960,720 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_matrix_sensing_gap_vs_iteration.svg'
set datafile missing 'NaN'
set title 'Problem 1: matrix_sensing(mode=prop5)' noenhanced
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
  'p1_matrix_sensing_gap_vs_iteration.dat' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=4,init_matrix=[[0.1,0],[0,0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear(depth=1,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear(depth=2,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 6 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 1 title 'deep_linear(depth=3,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 7 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'deep_linear(depth=4,init_matrix=[[0.1,0],[0,-0.1]])+gd @ lr=0.03', \
  'p1_matrix_sensing_gap_vs_iteration.dat' index 8 using ($1+1):2 with lines lw 1.5 lc rgb '#555555' dt 3 title 'target  (stop.target_gap = 1e-08)'
