# perf_profile: performance profile over 2 problems (Dolan and Moré 2002): for each model at its
# best tuned setting, the fraction of problems on which its median iterations to target is within
# tau times the fastest model's. The legend gives the fraction at tau = inf (solved at all).
# Data: perf_profile.dat (from results/cohen_razin_completion_seeds).
#   index 0: deep_linear(depth=1,init=gaussian,init_std=0.01)+gd  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,width=100,init=gaussian,init_std=0.01)+gd  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=3,width=100,init=gaussian,init_std=0.01)+gd  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=2,width=100,init=gaussian,init_std=0.001)+gd  (style 3: #CC79A7, dash 1)
set terminal svg size 960,620 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'perf_profile.svg'
set datafile missing 'NaN'
set title 'Performance profile over 2 problems (iterations to target)' noenhanced
set xlabel 'τ (value / best model\x27s value)' noenhanced
set ylabel 'fraction of problems solved within τ' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set xrange [1:1000]
set yrange [0:1.05]
plot \
  'perf_profile.dat' index 0 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(depth=1,init_std=0.01)+gd  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 1 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(depth=2,width=100,init_std=0.01)+gd  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 2 using 1:2 with steps lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(depth=3,width=100,init_std=0.01)+gd  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 3 using 1:2 with steps lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(depth=2,width=100,init_std=0.001)+gd  (τ = ∞: 1.00)'
