# ecdf_seconds: multi-target ECDF (COCO's runtime ECDF) over 12 (problem, target) pairs, 2 problems: targets
# are the gap decades 1e-1..1e-8 at or above stop.target_gap and the smallest gap recorded on the problem;
# a model (best tuned setting) reaches a pair at the median over seeds of its first checkpoint with gap <= target.
# Data: ecdf_seconds.dat (from results/cohen_razin_completion_seeds).
#   index 0: deep_linear(depth=1,init=gaussian,init_std=0.01)+gd  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,width=100,init=gaussian,init_std=0.01)+gd  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,width=100,init=gaussian,init_std=0.01)+gd  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=2,width=100,init=gaussian,init_std=0.001)+gd  (style 3: #CC79A7, dash 1)
set terminal svg size 960,620 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'ecdf_seconds.svg'
set datafile missing 'NaN'
set title 'ECDF over 12 (problem, target) pairs, 2 problems' noenhanced
set xlabel 'budget (seconds, log scale)' noenhanced
set ylabel 'fraction of (problem, target) pairs reached' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set xrange [0.0001:1]
set yrange [0:1.05]
plot \
  'ecdf_seconds.dat' index 0 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1,init_std=0.01)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 1 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2,width=100,init_std=0.01)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 2 using 1:2 with steps lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3,width=100,init_std=0.01)+gd  (ever: 1.00)', \
  'ecdf_seconds.dat' index 3 using 1:2 with steps lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=2,width=100,init_std=0.001)+gd  (ever: 1.00)'
