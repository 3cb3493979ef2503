# perf_profile: performance profile over 2 problems (Dolan and Moré 2002): for each model at its
# best tuned setting, the fraction of problems on which its median final gap is within
# tau times the fastest model's. The legend gives the fraction at tau = inf (solved at all).
# Data: perf_profile.dat (from results/init_bias_orthogonal).
#   index 0: stiefel_linear(depth=1,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  (style 0: #0072B2, dash 1)
#   index 1: stiefel_linear(depth=1,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  (style 1: #D55E00, dash 1)
#   index 2: stiefel_linear(depth=2,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  (style 2: #009E73, dash 1)
#   index 3: stiefel_linear(depth=2,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  (style 3: #CC79A7, dash 1)
#   index 4: stiefel_linear(depth=3,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  (style 4: #E69F00, dash 1)
#   index 5: stiefel_linear(depth=3,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  (style 5: #56B4E9, dash 1)
#   index 6: stiefel_linear(depth=4,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  (style 6: #000000, dash 1)
#   index 7: stiefel_linear(depth=4,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  (style 7: #0072B2, dash 2)
#   index 8: stiefel_linear(depth=5,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  (style 8: #D55E00, dash 2)
#   index 9: stiefel_linear(depth=5,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  (style 9: #009E73, dash 2)
set terminal svg size 960,740 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'perf_profile.svg'
set datafile missing 'NaN'
set title 'Performance profile over 2 problems (final gap)' noenhanced
set xlabel 'τ (value / best model\x27s value)' noenhanced
set ylabel 'fraction of problems solved within τ' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set xrange [1:1000]
set yrange [0:1.05]
plot \
  'perf_profile.dat' index 0 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 1 title 'stiefel_linear(depth=1,x_init=gaussian)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 1 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 1 title 'stiefel_linear(depth=1,x_init=zero)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 2 using 1:2 with steps lw 2 lc rgb '#009E73' dt 1 title 'stiefel_linear(depth=2,x_init=gaussian)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 3 using 1:2 with steps lw 2 lc rgb '#CC79A7' dt 1 title 'stiefel_linear(depth=2,x_init=zero)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 4 using 1:2 with steps lw 2 lc rgb '#E69F00' dt 1 title 'stiefel_linear(depth=3,x_init=gaussian)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 5 using 1:2 with steps lw 2 lc rgb '#56B4E9' dt 1 title 'stiefel_linear(depth=3,x_init=zero)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 6 using 1:2 with steps lw 2 lc rgb '#000000' dt 1 title 'stiefel_linear(depth=4,x_init=gaussian)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 7 using 1:2 with steps lw 2 lc rgb '#0072B2' dt 2 title 'stiefel_linear(depth=4,x_init=zero)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 8 using 1:2 with steps lw 2 lc rgb '#D55E00' dt 2 title 'stiefel_linear(depth=5,x_init=gaussian)+riemannian_qr  (τ = ∞: 1.00)', \
  'perf_profile.dat' index 9 using 1:2 with steps lw 2 lc rgb '#009E73' dt 2 title 'stiefel_linear(depth=5,x_init=zero)+riemannian_qr  (τ = ∞: 1.00)'
