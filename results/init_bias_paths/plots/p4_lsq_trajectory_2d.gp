# p4_lsq_trajectory_2d: 2-D trajectories (projection_2d: a fixed random 2-D projection of vec(W_e),
# the same for every run; when W_e has two entries it is W_e up to a fixed linear
# map). One line per seed, circles at the start. Data: p4_lsq_trajectory_2d.dat (from results/init_bias_paths).
# Axes: the range of the runs that did not diverge (+5 %); diverged runs leave
# the frame and are clipped there, a cross at their last point inside.
#   index 0: linear+gd  [tuned lr=0.1]
#   index 2: compact_h1(init_std=0.01)+gd  [tuned lr=0.1]
#   index 4: compact_h2(init_std=0.01)+gd  [tuned lr=0.1]
set terminal svg size 960,580 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p4_lsq_trajectory_2d.svg'
set datafile missing 'NaN'
set title 'Problem 4: lsq(m=100,d=1000,condition=1000,noise=0,seed=7) — 2-D projection of W_e' noenhanced
set xlabel 'projection_2d_1' noenhanced
set ylabel 'projection_2d_2' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set xrange [-0.0007823749424:0.006762257831]
set yrange [-0.007058946395:0.01042846827]
plot \
  'p4_lsq_trajectory_2d.dat' index 0 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 1 title 'linear+gd @ lr=0.1', \
  '' index 0 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 1 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle, \
  'p4_lsq_trajectory_2d.dat' index 2 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 1 title 'compact_h1(init_std=0.01)+gd @ lr=0.1', \
  '' index 2 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 3 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle, \
  'p4_lsq_trajectory_2d.dat' index 4 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 1 title 'compact_h2(init_std=0.01)+gd @ lr=0.1', \
  '' index 4 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 5 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
