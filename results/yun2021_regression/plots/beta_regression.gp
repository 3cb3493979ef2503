# beta trajectories of results/yun2021_regression (scripts/paper002_theorem6.py plot regression DIR)
set terminal svg size 1290,460 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'beta_regression.svg'
set multiplot layout 1,3
set size ratio -1
set xlabel 'beta_1'
set ylabel 'beta_2'
set key bottom left font ',9'
set title 'alpha = 0.01'
set xrange [-1.2:1.2]
set yrange [-1.2:1.2]
plot (1 - x)/2 w l lc rgb '#bbbbbb' dt 2 t 'x.beta = 1 (global minima)', \
     'beta_regression.dat' index 0 using 1:2 w l lw 1.5 lc rgb '#1f77b4' t 'fully-connected', \
     'beta_regression.dat' index 1 using 1:2 w l lw 1.5 lc rgb '#d62728' t 'diagonal', \
     'beta_regression.dat' index 2 using 1:2 w l lw 1.5 lc rgb '#2ca02c' t 'conv (2,2)', \
     'beta_regression.dat' index 9 using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle, \
     'beta_regression.dat' index 9 using 3:4:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 6 ps 1.6 lc rgb variable notitle
set title 'alpha = 0.5'
set xrange [-1.2:1.2]
set yrange [-1.2:1.2]
plot (1 - x)/2 w l lc rgb '#bbbbbb' dt 2 t 'x.beta = 1 (global minima)', \
     'beta_regression.dat' index 3 using 1:2 w l lw 1.5 lc rgb '#1f77b4' t 'fully-connected', \
     'beta_regression.dat' index 4 using 1:2 w l lw 1.5 lc rgb '#d62728' t 'diagonal', \
     'beta_regression.dat' index 5 using 1:2 w l lw 1.5 lc rgb '#2ca02c' t 'conv (2,2)', \
     'beta_regression.dat' index 10 using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle, \
     'beta_regression.dat' index 10 using 3:4:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 6 ps 1.6 lc rgb variable notitle
set title 'alpha = 1'
set xrange [-1.2:1.2]
set yrange [-1.2:1.2]
plot (1 - x)/2 w l lc rgb '#bbbbbb' dt 2 t 'x.beta = 1 (global minima)', \
     'beta_regression.dat' index 6 using 1:2 w l lw 1.5 lc rgb '#1f77b4' t 'fully-connected', \
     'beta_regression.dat' index 7 using 1:2 w l lw 1.5 lc rgb '#d62728' t 'diagonal', \
     'beta_regression.dat' index 8 using 1:2 w l lw 1.5 lc rgb '#2ca02c' t 'conv (2,2)', \
     'beta_regression.dat' index 11 using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle, \
     'beta_regression.dat' index 11 using 3:4:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 6 ps 1.6 lc rgb variable notitle
unset multiplot
