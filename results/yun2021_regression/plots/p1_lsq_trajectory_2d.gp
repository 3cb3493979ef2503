# p1_lsq_trajectory_2d: 2-D trajectories (projection_2d: a fixed random 2-D projection of vec(W_e),
# the same for every run; when W_e has two entries it is W_e up to a fixed linear
# map). One line per seed, circles at the start. Data: p1_lsq_trajectory_2d.dat (from results/yun2021_regression).
# Axes: the range of the runs that did not diverge (+5 %); diverged runs leave
# the frame and are clipped there, a cross at their last point inside.
# 36 models: one panel each, all on the same axes.
#   index 0: deep_linear(depth=2,init=balanced,init_matrix=[0.9,0.4],scale=0.01)+gd  [tuned lr=0.001]
#   index 2: deep_linear(depth=2,init=balanced,init_matrix=[0.9,0.4],scale=0.5)+gd  [tuned lr=0.001]
#   index 4: deep_linear(depth=2,init=balanced,init_matrix=[0.9,0.4],scale=1)+gd  [tuned lr=0.001]
#   index 6: deep_linear(depth=2,init=balanced,init_matrix=[-0.8,0.6],scale=0.01)+gd  [tuned lr=0.001]
#   index 8: deep_linear(depth=2,init=balanced,init_matrix=[-0.8,0.6],scale=0.5)+gd  [tuned lr=0.001]
#   index 10: deep_linear(depth=2,init=balanced,init_matrix=[-0.8,0.6],scale=1)+gd  [tuned lr=0.001]
#   index 12: deep_linear(depth=2,init=balanced,init_matrix=[-0.6,-0.8],scale=0.01)+gd  [tuned lr=0.001]
#   index 14: deep_linear(depth=2,init=balanced,init_matrix=[-0.6,-0.8],scale=0.5)+gd  [tuned lr=0.001]
#   index 16: deep_linear(depth=2,init=balanced,init_matrix=[-0.6,-0.8],scale=1)+gd  [tuned lr=0.001]
#   index 18: deep_linear(depth=2,init=balanced,init_matrix=[0.5,-0.9],scale=0.01)+gd  [tuned lr=0.001]
#   index 20: deep_linear(depth=2,init=balanced,init_matrix=[0.5,-0.9],scale=0.5)+gd  [tuned lr=0.001]
#   index 22: deep_linear(depth=2,init=balanced,init_matrix=[0.5,-0.9],scale=1)+gd  [tuned lr=0.001]
#   index 24: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[0.45,0.2]])+gd  [tuned lr=0.001]
#   index 26: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[0.45,0.2]])+gd  [tuned lr=0.001]
#   index 28: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[0.45,0.2]])+gd  [tuned lr=0.001]
#   index 30: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[-0.4,0.3]])+gd  [tuned lr=0.001]
#   index 32: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[-0.4,0.3]])+gd  [tuned lr=0.001]
#   index 34: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[-0.4,0.3]])+gd  [tuned lr=0.001]
#   index 36: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[-0.3,-0.4]])+gd  [tuned lr=0.001]
#   index 38: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[-0.3,-0.4]])+gd  [tuned lr=0.001]
#   index 40: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[-0.3,-0.4]])+gd  [tuned lr=0.001]
#   index 42: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[0.25,-0.45]])+gd  [tuned lr=0.001]
#   index 44: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[0.25,-0.45]])+gd  [tuned lr=0.001]
#   index 46: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[0.25,-0.45]])+gd  [tuned lr=0.001]
#   index 48: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[0.45,0.2]])+gd  [tuned lr=0.001]
#   index 50: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[0.45,0.2]])+gd  [tuned lr=0.001]
#   index 52: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[0.45,0.2]])+gd  [tuned lr=0.001]
#   index 54: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[-0.4,0.3]])+gd  [tuned lr=0.001]
#   index 56: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[-0.4,0.3]])+gd  [tuned lr=0.001]
#   index 58: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[-0.4,0.3]])+gd  [tuned lr=0.001]
#   index 60: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[-0.3,-0.4]])+gd  [tuned lr=0.001]
#   index 62: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[-0.3,-0.4]])+gd  [tuned lr=0.001]
#   index 64: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[-0.3,-0.4]])+gd  [tuned lr=0.001]
#   index 66: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[0.25,-0.45]])+gd  [tuned lr=0.001]
#   index 68: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[0.25,-0.45]])+gd  [tuned lr=0.001]
#   index 70: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[0.25,-0.45]])+gd  [tuned lr=0.001]
set terminal svg size 1580,2760 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_lsq_trajectory_2d.svg'
set datafile missing 'NaN'
set title 'Problem 1: lsq(A=[1,2],b=[1],reduction=sum) — 2-D projection of W_e' noenhanced
set xlabel '' noenhanced
set ylabel '' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set xrange [-0.8893055916:1.075417424]
set yrange [-0.9885188575:0.9588960069]
set key off
set title font ',8'
set tics font ',9'
set multiplot layout 9,4 title 'Problem 1: lsq(A=[1,2],b=[1],reduction=sum) — 2-D projection of W_e' . "\n" . '(projection_2d_1 across, projection_2d_2 up)' noenhanced
set title 'deep_linear(init_matrix=[0.9,0.4],scale=0.01)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 0 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 1 title 'deep_linear(init_matrix=[0.9,0.4],scale=0.01)+gd @ lr=0.001', \
  '' index 0 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 1 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[0.9,0.4],scale=0.5)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 2 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 1 title 'deep_linear(init_matrix=[0.9,0.4],scale=0.5)+gd @ lr=0.001', \
  '' index 2 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 3 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[0.9,0.4],scale=1)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 4 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 1 title 'deep_linear(init_matrix=[0.9,0.4],scale=1)+gd @ lr=0.001', \
  '' index 4 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 5 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[-0.8,0.6],scale=0.01)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 6 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 1 title 'deep_linear(init_matrix=[-0.8,0.6],scale=0.01)+gd @ lr=0.001', \
  '' index 6 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 7 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[-0.8,0.6],scale=0.5)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 8 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 1 title 'deep_linear(init_matrix=[-0.8,0.6],scale=0.5)+gd @ lr=0.001', \
  '' index 8 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 9 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[-0.8,0.6],scale=1)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 10 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 1 title 'deep_linear(init_matrix=[-0.8,0.6],scale=1)+gd @ lr=0.001', \
  '' index 10 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 11 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[-0.6,-0.8],scale=0.01)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 12 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 1 title 'deep_linear(init_matrix=[-0.6,-0.8],scale=0.01)+gd @ lr=0.001', \
  '' index 12 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 13 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[-0.6,-0.8],scale=0.5)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 14 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 2 title 'deep_linear(init_matrix=[-0.6,-0.8],scale=0.5)+gd @ lr=0.001', \
  '' index 14 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 15 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[-0.6,-0.8],scale=1)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 16 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 2 title 'deep_linear(init_matrix=[-0.6,-0.8],scale=1)+gd @ lr=0.001', \
  '' index 16 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 17 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[0.5,-0.9],scale=0.01)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 18 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 2 title 'deep_linear(init_matrix=[0.5,-0.9],scale=0.01)+gd @ lr=0.001', \
  '' index 18 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 19 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[0.5,-0.9],scale=0.5)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 20 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 2 title 'deep_linear(init_matrix=[0.5,-0.9],scale=0.5)+gd @ lr=0.001', \
  '' index 20 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 21 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'deep_linear(init_matrix=[0.5,-0.9],scale=1)+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 22 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 2 title 'deep_linear(init_matrix=[0.5,-0.9],scale=1)+gd @ lr=0.001', \
  '' index 22 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 23 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.01,init_directions=[[2,2],[0.45,0.2]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 24 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 2 title 'diagonal(alpha=0.01,init_directions=[[2,2],[0.45,0.2]])+gd @ lr=0.001', \
  '' index 24 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 25 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.5,init_directions=[[2,2],[0.45,0.2]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 26 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 2 title 'diagonal(alpha=0.5,init_directions=[[2,2],[0.45,0.2]])+gd @ lr=0.001', \
  '' index 26 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 27 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=1,init_directions=[[2,2],[0.45,0.2]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 28 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 4 title 'diagonal(alpha=1,init_directions=[[2,2],[0.45,0.2]])+gd @ lr=0.001', \
  '' index 28 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 29 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.01,init_directions=[[2,2],[-0.4,0.3]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 30 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 4 title 'diagonal(alpha=0.01,init_directions=[[2,2],[-0.4,0.3]])+gd @ lr=0.001', \
  '' index 30 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 31 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.5,init_directions=[[2,2],[-0.4,0.3]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 32 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 4 title 'diagonal(alpha=0.5,init_directions=[[2,2],[-0.4,0.3]])+gd @ lr=0.001', \
  '' index 32 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 33 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=1,init_directions=[[2,2],[-0.4,0.3]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 34 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 4 title 'diagonal(alpha=1,init_directions=[[2,2],[-0.4,0.3]])+gd @ lr=0.001', \
  '' index 34 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 35 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.01,init_directions=[[2,2],[-0.3,-0.4]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 36 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 4 title 'diagonal(alpha=0.01,init_directions=[[2,2],[-0.3,-0.4]])+gd @ lr=0.001', \
  '' index 36 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 37 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.5,init_directions=[[2,2],[-0.3,-0.4]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 38 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 4 title 'diagonal(alpha=0.5,init_directions=[[2,2],[-0.3,-0.4]])+gd @ lr=0.001', \
  '' index 38 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 39 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=1,init_directions=[[2,2],[-0.3,-0.4]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 40 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 4 title 'diagonal(alpha=1,init_directions=[[2,2],[-0.3,-0.4]])+gd @ lr=0.001', \
  '' index 40 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 41 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.01,init_directions=[[2,2],[0.25,-0.45]])+gd ' . "\n" . '@ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 42 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 3 title 'diagonal(alpha=0.01,init_directions=[[2,2],[0.25,-0.45]])+gd @ lr=0.001', \
  '' index 42 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 43 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=0.5,init_directions=[[2,2],[0.25,-0.45]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 44 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 3 title 'diagonal(alpha=0.5,init_directions=[[2,2],[0.25,-0.45]])+gd @ lr=0.001', \
  '' index 44 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 45 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'diagonal(alpha=1,init_directions=[[2,2],[0.25,-0.45]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 46 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 3 title 'diagonal(alpha=1,init_directions=[[2,2],[0.25,-0.45]])+gd @ lr=0.001', \
  '' index 46 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 47 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.01,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 48 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 3 title 'conv(alpha=0.01,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001', \
  '' index 48 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 49 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.5,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 50 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 3 title 'conv(alpha=0.5,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001', \
  '' index 50 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 51 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=1,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 52 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 3 title 'conv(alpha=1,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001', \
  '' index 52 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 53 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.01,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 54 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 3 title 'conv(alpha=0.01,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001', \
  '' index 54 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 55 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.5,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 56 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 1 title 'conv(alpha=0.5,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001', \
  '' index 56 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 57 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=1,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 58 using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 1 title 'conv(alpha=1,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001', \
  '' index 58 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#D55E00' notitle, \
  '' index 59 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.01,init_filters=[[2,0],[-0.3,-0.4]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 60 using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 1 title 'conv(alpha=0.01,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001', \
  '' index 60 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#009E73' notitle, \
  '' index 61 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.5,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 62 using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 1 title 'conv(alpha=0.5,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001', \
  '' index 62 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#CC79A7' notitle, \
  '' index 63 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=1,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 64 using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt 1 title 'conv(alpha=1,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001', \
  '' index 64 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#E69F00' notitle, \
  '' index 65 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.01,init_filters=[[2,0],[0.25,-0.45]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 66 using 1:2 with lines lw 1.5 lc rgb '#56B4E9' dt 1 title 'conv(alpha=0.01,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001', \
  '' index 66 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#56B4E9' notitle, \
  '' index 67 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=0.5,init_filters=[[2,0],[0.25,-0.45]])+gd @ ' . "\n" . 'lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 68 using 1:2 with lines lw 1.5 lc rgb '#000000' dt 1 title 'conv(alpha=0.5,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001', \
  '' index 68 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' notitle, \
  '' index 69 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
set title 'conv(alpha=1,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001' noenhanced
plot \
  'p1_lsq_trajectory_2d.dat' index 70 using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 2 title 'conv(alpha=1,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001', \
  '' index 70 every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '#0072B2' notitle, \
  '' index 71 using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' notitle
