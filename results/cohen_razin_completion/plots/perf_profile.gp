# perf_profile: performance profile over 3 problems (Dolan and Moré 2002): for each model at its
# best tuned setting, the fraction of problems on which its median time to target is within
# tau times the fastest model's. The legend gives the fraction at tau = inf (solved at all).
# Data: perf_profile.dat (from results/cohen_razin_completion).
#   index 0: deep_linear(depth=1,init=gaussian,init_std=0.01)+gd
#   index 1: deep_linear(depth=2,width=100,init=gaussian,init_std=0.01)+gd
#   index 2: deep_linear(depth=3,width=100,init=gaussian,init_std=0.01)+gd
set terminal svg size 900,566 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'perf_profile.svg'
set datafile missing 'NaN'
set title 'Performance profile over 3 problems (time to target)' noenhanced
set xlabel 'τ (time / fastest model\x27s time)' noenhanced
set ylabel 'fraction of problems solved within τ' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set xrange [1:1000]
set yrange [0:1.05]
plot \
  'perf_profile.dat' index 0 using 1:2 with steps lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=1)+gd  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 1 using 1:2 with steps lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2,width=100)+gd  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 2 using 1:2 with steps lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=3,width=100)+gd  (τ = ∞: 1.00)'
