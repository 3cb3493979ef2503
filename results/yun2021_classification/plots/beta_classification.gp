# beta trajectories of results/yun2021_classification (scripts/paper002_theorem6.py plot classification DIR)
set terminal svg size 1290,460 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'beta_classification.svg'
set multiplot layout 1,3
set size ratio -1
set xlabel 'beta_1'
set ylabel 'beta_2'
set key bottom left font ',9'
set title 'alpha = 0.01'
unset arrow
set arrow from 0,0 to 2.90689,5.81378 nohead dt 2 lc rgb '#1f77b4'
set arrow from 0,0 to 0,6.5 nohead dt 2 lc rgb '#d62728'
set arrow from 0,0 to 4.59619,4.59619 nohead dt 2 lc rgb '#2ca02c'
set xrange [-1.5:5]
set yrange [-1.5:6.5]
plot NaN notitle, \
     'beta_classification.dat' index 0 using 1:2 w l lw 1.5 lc rgb '#1f77b4' t 'fully-connected', \
     'beta_classification.dat' index 1 using 1:2 w l lw 1.5 lc rgb '#d62728' t 'diagonal', \
     'beta_classification.dat' index 2 using 1:2 w l lw 1.5 lc rgb '#2ca02c' t 'conv (2,2)', \
     'beta_classification.dat' index 9 using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle
set title 'alpha = 0.5'
unset arrow
set arrow from 0,0 to 2.90689,5.81378 nohead dt 2 lc rgb '#1f77b4'
set arrow from 0,0 to 0,6.5 nohead dt 2 lc rgb '#d62728'
set arrow from 0,0 to 4.59619,4.59619 nohead dt 2 lc rgb '#2ca02c'
set xrange [-1.5:5]
set yrange [-1.5:6.5]
plot NaN notitle, \
     'beta_classification.dat' index 3 using 1:2 w l lw 1.5 lc rgb '#1f77b4' t 'fully-connected', \
     'beta_classification.dat' index 4 using 1:2 w l lw 1.5 lc rgb '#d62728' t 'diagonal', \
     'beta_classification.dat' index 5 using 1:2 w l lw 1.5 lc rgb '#2ca02c' t 'conv (2,2)', \
     'beta_classification.dat' index 10 using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle
set title 'alpha = 1'
unset arrow
set arrow from 0,0 to 2.90689,5.81378 nohead dt 2 lc rgb '#1f77b4'
set arrow from 0,0 to 0,6.5 nohead dt 2 lc rgb '#d62728'
set arrow from 0,0 to 4.59619,4.59619 nohead dt 2 lc rgb '#2ca02c'
set xrange [-1.5:5]
set yrange [-1.5:6.5]
plot NaN notitle, \
     'beta_classification.dat' index 6 using 1:2 w l lw 1.5 lc rgb '#1f77b4' t 'fully-connected', \
     'beta_classification.dat' index 7 using 1:2 w l lw 1.5 lc rgb '#d62728' t 'diagonal', \
     'beta_classification.dat' index 8 using 1:2 w l lw 1.5 lc rgb '#2ca02c' t 'conv (2,2)', \
     'beta_classification.dat' index 11 using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle
unset multiplot
