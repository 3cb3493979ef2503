# perf_profile: performance profile over 6 problems (Dolan and Moré 2002): for each model at its
# best tuned setting, the fraction of problems on which its median time to target is within
# tau times the fastest model's. The legend gives the fraction at tau = inf (solved at all).
# Data: perf_profile.dat (from results/bartlett_power_projection).
#   index 0: deep_linear(depth=2,init=identity)+gd
#   index 1: deep_linear(depth=2,init=identity)+power_projection(gamma=0.05)
#   index 2: deep_linear(depth=4,init=identity)+gd
#   index 3: deep_linear(depth=4,init=identity)+power_projection(gamma=0.05)
#   index 4: deep_linear(depth=8,init=identity)+gd
#   index 5: deep_linear(depth=8,init=identity)+power_projection(gamma=0.05)
set terminal svg size 900,632 dynamic enhanced font 'Sans,13' background rgb 'white'
set output 'perf_profile.svg'
set datafile missing 'NaN'
set title 'Performance profile over 6 problems (time to target)' noenhanced
set xlabel 'τ (time / fastest model''s time)' noenhanced
set ylabel 'fraction of problems solved within τ' noenhanced
set grid lc rgb '#dddddd'
set key below left Left reverse noenhanced samplen 2 maxcols 1
set logscale x 10
set xrange [1:1000]
set yrange [0:1.05]
plot \
  'perf_profile.dat' index 0 using 1:2 with steps lw 2 lc rgb '#1f77b4' dt 1 title 'deep_linear(depth=2)+gd  (τ = ∞: 0.83)', \
  'perf_profile.dat' index 1 using 1:2 with steps lw 2 lc rgb '#d62728' dt 1 title 'deep_linear(depth=2)+power_projection  (τ = ∞: 0.67)', \
  'perf_profile.dat' index 2 using 1:2 with steps lw 2 lc rgb '#2ca02c' dt 1 title 'deep_linear(depth=4)+gd  (τ = ∞: 0.67)', \
  'perf_profile.dat' index 3 using 1:2 with steps lw 2 lc rgb '#ff7f0e' dt 1 title 'deep_linear(depth=4)+power_projection  (τ = ∞: 0.67)', \
  'perf_profile.dat' index 4 using 1:2 with steps lw 2 lc rgb '#9467bd' dt 1 title 'deep_linear(depth=8)+gd  (τ = ∞: 0.67)', \
  'perf_profile.dat' index 5 using 1:2 with steps lw 2 lc rgb '#8c564b' dt 1 title 'deep_linear(depth=8)+power_projection  (τ = ∞: 0.67)'
