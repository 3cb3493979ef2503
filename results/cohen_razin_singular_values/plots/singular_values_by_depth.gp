set terminal svg size 1140,420 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'singular_values_by_depth.svg'
set multiplot layout 1,3
set xlabel 'iteration'
set ylabel 'singular value'
set grid lc rgb '#dddddd'
set key off
set title 'depth 1, lr=10: rec. error 0.6' noenhanced
plot 'singular_values_by_depth.dat' index 0 using 1:2 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:3 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:4 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:5 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:6 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:7 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:8 with lines lw 2, 'singular_values_by_depth.dat' index 0 using 1:9 with lines lw 2
set title 'depth 2, lr=10: rec. error 0.011' noenhanced
plot 'singular_values_by_depth.dat' index 1 using 1:2 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:3 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:4 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:5 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:6 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:7 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:8 with lines lw 2, 'singular_values_by_depth.dat' index 1 using 1:9 with lines lw 2
set title 'depth 3, lr=3: rec. error 1.8e-05' noenhanced
plot 'singular_values_by_depth.dat' index 2 using 1:2 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:3 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:4 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:5 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:6 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:7 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:8 with lines lw 2, 'singular_values_by_depth.dat' index 2 using 1:9 with lines lw 2
unset multiplot
