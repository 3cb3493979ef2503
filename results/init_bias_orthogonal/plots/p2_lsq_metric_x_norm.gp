# p2_lsq_metric_x_norm: metric x_norm against iteration
# Data: p2_lsq_metric_x_norm.dat (from results/init_bias_orthogonal). Run: cd to this directory, gnuplot p2_lsq_metric_x_norm.gp
# Lines: median over seeds (no min-max bands: 10 models, more than 6; the bands are in the .dat file). Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: stiefel_linear(depth=1,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 0: #0072B2, dash 1)
#   index 1: stiefel_linear(depth=1,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 1: #D55E00, dash 1)
#   index 2: stiefel_linear(depth=2,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 2: #009E73, dash 1)
#   index 3: stiefel_linear(depth=2,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 3: #CC79A7, dash 1)
#   index 4: stiefel_linear(depth=3,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 4: #E69F00, dash 1)
#   index 5: stiefel_linear(depth=3,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 5: #56B4E9, dash 1)
#   index 6: stiefel_linear(depth=4,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 6: #000000, dash 1)
#   index 7: stiefel_linear(depth=4,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 7: #0072B2, dash 2)
#   index 8: stiefel_linear(depth=5,x_init=gaussian,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 8: #D55E00, dash 2)
#   index 9: stiefel_linear(depth=5,x_init=zero,x_std=1)+riemannian_qr(line_search=none)  [tuned lr=0.01]  (style 9: #009E73, dash 2)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,740 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p2_lsq_metric_x_norm.svg'
set datafile missing 'NaN'
set title 'Problem 2: lsq(m=5,d=10,condition=3,noise=0,seed=3,reduction=sum)' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel '||x||_2 of the free vector (x_norm)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set style fill transparent solid 0.15 noborder
plot \
  'p2_lsq_metric_x_norm.dat' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'stiefel_linear(depth=1,x_init=gaussian)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'stiefel_linear(depth=1,x_init=zero)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'stiefel_linear(depth=2,x_init=gaussian)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'stiefel_linear(depth=2,x_init=zero)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'stiefel_linear(depth=3,x_init=gaussian)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'stiefel_linear(depth=3,x_init=zero)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 6 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 1 title 'stiefel_linear(depth=4,x_init=gaussian)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 7 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'stiefel_linear(depth=4,x_init=zero)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 8 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 2 title 'stiefel_linear(depth=5,x_init=gaussian)+riemannian_qr @ lr=0.01', \
  'p2_lsq_metric_x_norm.dat' index 9 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 2 title 'stiefel_linear(depth=5,x_init=zero)+riemannian_qr @ lr=0.01'
