set terminal svg size 900,600 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'iters_vs_depth.svg'
set logscale xy 2
set logscale y 10
set xlabel 'depth L'
set ylabel 'iterations to target (best lr)'
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced maxcols 1
set format y '10^{%L}'
plot 'iters_vs_depth.dat' index 0 using 1:2 with linespoints pt 7 lw 2 lc rgb '#0072B2' title 'SPD, kappa = 4, spectrum [0.5, 2]', \
  'iters_vs_depth.dat' index 1 using 1:2 with linespoints pt 7 lw 2 lc rgb '#D55E00' title 'SPD, kappa = 16, spectrum [0.25, 4]', \
  'iters_vs_depth.dat' index 2 using 1:2 with linespoints pt 7 lw 2 lc rgb '#009E73' title 'SPD, kappa = 64, spectrum [0.125, 8]', \
  'iters_vs_depth.dat' index 3 using 1:2 with linespoints pt 7 lw 2 lc rgb '#CC79A7' title 'near_identity,d=10,radius=0.5,seed=1', \
  'iters_vs_depth.dat' index 4 using 1:2 with linespoints pt 7 lw 2 lc rgb '#E69F00' title 'near_identity,d=10,radius=0.9,seed=1'
