set terminal svg size 900,600 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'norm_vs_loss.svg'
set logscale xy
set xlabel 'loss l(W_e)'
set ylabel '||W_e||_F' noenhanced
set grid lc rgb '#dddddd'
set key outside right noenhanced
set xrange [*:*] reverse
set format x '10^{%L}'
set format y '10^{%L}'
f(x) = 1/sqrt(6*x) - 2
plot 'norm_vs_loss.dat' index 0 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 1 title 'depth 1, det>0', \
  'norm_vs_loss.dat' index 1 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 1 title 'depth 2, det>0', \
  'norm_vs_loss.dat' index 2 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 1 title 'depth 3, det>0', \
  'norm_vs_loss.dat' index 3 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 2 title 'depth 1, det<0', \
  'norm_vs_loss.dat' index 4 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 2 title 'depth 2, det<0', \
  'norm_vs_loss.dat' index 5 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 2 title 'depth 3, det<0', \
  'norm_vs_loss.dat' index 6 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 2 title 'depth 4, det<0', \
  'norm_vs_loss.dat' index 7 using 1:2 with linespoints pt 7 ps 0.4 lw 2 dt 1 title 'depth 4, det>0', \
  [1e-9:0.02] f(x) with lines lw 2 lc rgb 'black' dt 3 title 'Prop. 5: 1/sqrt(6 l) - 2'
