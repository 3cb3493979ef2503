# p1_lsq_trajectory_2d: 2-D trajectories (projection_2d: a fixed random 2-D projection of vec(W_e),
# the same for every run; when W_e has two entries it is W_e up to a fixed linear
# map). One line per seed, circles at the start. Data: p1_lsq_trajectory_2d.dat (from results/init_bias_lsq).
# Axes: the range of the runs that did not diverge (+5 %); diverged runs leave
# the frame and are clipped there, a cross at their last point inside.
# 18 models: one panel each, all on the same axes.
#   index 0: deep_linear(depth=1,init=range_At,init_std=3)+gd(lr=0.1)  [tuned -]
#   index 2: deep_linear(depth=1,init=range_At,init_std=3)+gd(lr=0.99)  [tuned -]
#   index 4: deep_linear(depth=1,init=range_At,init_std=3)+gd(lr=1.01)  [tuned -]
#   index 6: deep_linear(depth=1,init=controlled,init_std=3,scale=1,target_solution=[10,-10])+gd(lr=0.1)  [tuned -]
#   index 8: deep_linear(depth=1,init=controlled,init_std=3,scale=1,target_solution=[10,-10])+gd(lr=0.99)  [tuned -]
#   index 10: deep_linear(depth=1,init=controlled,init_std=3,scale=1,target_solution=[10,-10])+gd(lr=1.01)  [tuned -]
#   index 12: deep_linear(depth=1,init=controlled,init_std=3,scale=0.5,target_solution=[10,-10])+gd(lr=0.1)  [tuned -]
#   index 14: deep_linear(depth=1,init=controlled,init_std=3,scale=0.5,target_solution=[10,-10])+gd(lr=0.99)  [tuned -]
#   index 16: deep_linear(depth=1,init=controlled,init_std=3,scale=0.5,target_solution=[10,-10])+gd(lr=1.01)  [tuned -]
#   index 18: deep_linear(depth=1,init=gaussian,init_std=3)+gd(lr=0.1)  [tuned -]
#   index 20: deep_linear(depth=1,init=gaussian,init_std=3)+gd(lr=0.99)  [tuned -]
#   index 22: deep_linear(depth=1,init=gaussian,init_std=3)+gd(lr=1.01)  [tuned -]
#   index 24: linear(init=given,init_matrix=[3,1])+gd(lr=0.1)  [tuned -]
#   index 26: linear(init=given,init_matrix=[3,1])+gd(lr=0.99)  [tuned -]
#   index 28: linear(init=given,init_matrix=[3,1])+gd(lr=1.01)  [tuned -]
#   index 30: linear(init=given,init_matrix=[-2,4])+gd(lr=0.1)  [tuned -]
#   index 32: linear(init=given,init_matrix=[-2,4])+gd(lr=0.99)  [tuned -]
#   index 34: linear(init=given,init_matrix=[-2,4])+gd(lr=1.01)  [tuned -]
set terminal svg size 1485,1860 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_lsq_trajectory_2d.svg'
set datafile missing 'NaN'
set title 'Problem 1: lsq(A=[1,1],b=[0],reduction=sum) — 2-D projection of W_e' noenhanced
set xlabel '' noenhanced
set ylabel '' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set xrange [-4.799481631:13.22911424]
set yrange [-13.17951196:4.818071998]
set key off
set title font ',8'
set tics font ',9'
set multiplot layout 6,3 title 'Problem 1: lsq(A=[1,1],b=[0],reduction=sum) — 2-D projection of W_e' . "\n" . '(projection_2d_1 across, projection_2d_2 up; x: where a diverged run left the axes)' noenhanced
set title 'deep_linear(init=range_At)+gd(lr=0.1)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 0 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 1 title 'deep_linear(init=range_At)+gd(lr=0.1)', \
  '' index 0 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 1 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=range_At)+gd(lr=0.99)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 2 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 1 title 'deep_linear(init=range_At)+gd(lr=0.99)', \
  '' index 2 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 3 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=range_At)+gd(lr=1.01)  [4/4 diverged]' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 4 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 1 title 'deep_linear(init=range_At)+gd(lr=1.01)  [4/4 diverged]', \
  '' index 4 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 5 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=controlled,scale=1,target_solution=[10,-10])+gd(lr=0.1)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 6 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 1 title 'deep_linear(init=controlled,scale=1,target_solution=[10,-10])+gd(lr=0.1)', \
  '' index 6 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 7 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=controlled,scale=1,target_solution=[10,-10])+gd(lr=0.99)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 8 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 1 title 'deep_linear(init=controlled,scale=1,target_solution=[10,-10])+gd(lr=0.99)', \
  '' index 8 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 9 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=controlled,scale=1,target_solution=[10,-10])+gd(lr=1.01)  ' . "\n" . '[4/4 diverged]' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 10 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 1 title 'deep_linear(init=controlled,scale=1,target_solution=[10,-10])+gd(lr=1.01)  [4/4 diverged]', \
  '' index 10 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 11 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=controlled,scale=0.5,target_solution=[10,-10])+gd(lr=0.1)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 12 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 1 title 'deep_linear(init=controlled,scale=0.5,target_solution=[10,-10])+gd(lr=0.1)', \
  '' index 12 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 13 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=controlled,scale=0.5,target_solution=[10,-10])+gd(lr=0.99)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 14 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 2 title 'deep_linear(init=controlled,scale=0.5,target_solution=[10,-10])+gd(lr=0.99)', \
  '' index 14 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 15 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=controlled,scale=0.5,target_solution=[10,-10])+gd(lr=1.01)  ' . "\n" . '[4/4 diverged]' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 16 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 2 title 'deep_linear(init=controlled,scale=0.5,target_solution=[10,-10])+gd(lr=1.01)  [4/4 diverged]', \
  '' index 16 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 17 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=gaussian)+gd(lr=0.1)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 18 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 2 title 'deep_linear(init=gaussian)+gd(lr=0.1)', \
  '' index 18 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 19 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=gaussian)+gd(lr=0.99)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 20 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 2 title 'deep_linear(init=gaussian)+gd(lr=0.99)', \
  '' index 20 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 21 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init=gaussian)+gd(lr=1.01)  [4/4 diverged]' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 22 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 2 title 'deep_linear(init=gaussian)+gd(lr=1.01)  [4/4 diverged]', \
  '' index 22 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 23 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'linear(init_matrix=[3,1])+gd(lr=0.1)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 24 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 2 title 'linear(init_matrix=[3,1])+gd(lr=0.1)', \
  '' index 24 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 25 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'linear(init_matrix=[3,1])+gd(lr=0.99)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 26 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 2 title 'linear(init_matrix=[3,1])+gd(lr=0.99)', \
  '' index 26 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 27 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'linear(init_matrix=[3,1])+gd(lr=1.01)  [4/4 diverged]' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 28 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 4 title 'linear(init_matrix=[3,1])+gd(lr=1.01)  [4/4 diverged]', \
  '' index 28 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 29 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'linear(init_matrix=[-2,4])+gd(lr=0.1)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 30 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 4 title 'linear(init_matrix=[-2,4])+gd(lr=0.1)', \
  '' index 30 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 31 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'linear(init_matrix=[-2,4])+gd(lr=0.99)' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 32 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 4 title 'linear(init_matrix=[-2,4])+gd(lr=0.99)', \
  '' index 32 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 33 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'linear(init_matrix=[-2,4])+gd(lr=1.01)  [4/4 diverged]' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 34 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 4 title 'linear(init_matrix=[-2,4])+gd(lr=1.01)  [4/4 diverged]', \
  '' index 34 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 35 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
