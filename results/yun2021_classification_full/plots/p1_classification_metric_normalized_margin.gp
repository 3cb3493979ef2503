# p1_classification_metric_normalized_margin: metric normalized_margin against iteration
# Data: p1_classification_metric_normalized_margin.dat (from results/yun2021_classification_full). Run: cd to this directory, gnuplot p1_classification_metric_normalized_margin.gp
# Lines: median over seeds (no min-max bands: 36 models, more than 6; the bands are in the .dat file). Legend labels drop the parameters
# every model of the plot shares; the full labels are:
#   index 0: deep_linear(depth=2,init=balanced,init_matrix=[0.9,0.4],scale=0.01)+gd  [tuned lr=0.001]  (style 0: #0072B2, dash 1)
#   index 1: deep_linear(depth=2,init=balanced,init_matrix=[0.9,0.4],scale=0.5)+gd  [tuned lr=0.001]  (style 1: #D55E00, dash 1)
#   index 2: deep_linear(depth=2,init=balanced,init_matrix=[0.9,0.4],scale=1)+gd  [tuned lr=0.001]  (style 2: #009E73, dash 1)
#   index 3: deep_linear(depth=2,init=balanced,init_matrix=[-0.8,0.6],scale=0.01)+gd  [tuned lr=0.001]  (style 3: #CC79A7, dash 1)
#   index 4: deep_linear(depth=2,init=balanced,init_matrix=[-0.8,0.6],scale=0.5)+gd  [tuned lr=0.001]  (style 4: #E69F00, dash 1)
#   index 5: deep_linear(depth=2,init=balanced,init_matrix=[-0.8,0.6],scale=1)+gd  [tuned lr=0.001]  (style 5: #56B4E9, dash 1)
#   index 6: deep_linear(depth=2,init=balanced,init_matrix=[-0.6,-0.8],scale=0.01)+gd  [tuned lr=0.001]  (style 6: #000000, dash 1)
#   index 7: deep_linear(depth=2,init=balanced,init_matrix=[-0.6,-0.8],scale=0.5)+gd  [tuned lr=0.001]  (style 7: #0072B2, dash 2)
#   index 8: deep_linear(depth=2,init=balanced,init_matrix=[-0.6,-0.8],scale=1)+gd  [tuned lr=0.001]  (style 8: #D55E00, dash 2)
#   index 9: deep_linear(depth=2,init=balanced,init_matrix=[0.5,-0.9],scale=0.01)+gd  [tuned lr=0.001]  (style 9: #009E73, dash 2)
#   index 10: deep_linear(depth=2,init=balanced,init_matrix=[0.5,-0.9],scale=0.5)+gd  [tuned lr=0.001]  (style 10: #CC79A7, dash 2)
#   index 11: deep_linear(depth=2,init=balanced,init_matrix=[0.5,-0.9],scale=1)+gd  [tuned lr=0.001]  (style 11: #E69F00, dash 2)
#   index 12: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[0.45,0.2]])+gd  [tuned lr=0.001]  (style 12: #56B4E9, dash 2)
#   index 13: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[0.45,0.2]])+gd  [tuned lr=0.001]  (style 13: #000000, dash 2)
#   index 14: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[0.45,0.2]])+gd  [tuned lr=0.001]  (style 14: #0072B2, dash 4)
#   index 15: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[-0.4,0.3]])+gd  [tuned lr=0.001]  (style 15: #D55E00, dash 4)
#   index 16: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[-0.4,0.3]])+gd  [tuned lr=0.001]  (style 16: #009E73, dash 4)
#   index 17: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[-0.4,0.3]])+gd  [tuned lr=0.001]  (style 17: #CC79A7, dash 4)
#   index 18: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[-0.3,-0.4]])+gd  [tuned lr=0.001]  (style 18: #E69F00, dash 4)
#   index 19: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[-0.3,-0.4]])+gd  [tuned lr=0.001]  (style 19: #56B4E9, dash 4)
#   index 20: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[-0.3,-0.4]])+gd  [tuned lr=0.001]  (style 20: #000000, dash 4)
#   index 21: diagonal(depth=2,init=given,alpha=0.01,init_directions=[[2,2],[0.25,-0.45]])+gd  [tuned lr=0.001]  (style 21: #0072B2, dash 3)
#   index 22: diagonal(depth=2,init=given,alpha=0.5,init_directions=[[2,2],[0.25,-0.45]])+gd  [tuned lr=0.001]  (style 22: #D55E00, dash 3)
#   index 23: diagonal(depth=2,init=given,alpha=1,init_directions=[[2,2],[0.25,-0.45]])+gd  [tuned lr=0.001]  (style 23: #009E73, dash 3)
#   index 24: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[0.45,0.2]])+gd  [tuned lr=0.001]  (style 24: #CC79A7, dash 3)
#   index 25: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[0.45,0.2]])+gd  [tuned lr=0.001]  (style 25: #E69F00, dash 3)
#   index 26: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[0.45,0.2]])+gd  [tuned lr=0.001]  (style 26: #56B4E9, dash 3)
#   index 27: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[-0.4,0.3]])+gd  [tuned lr=0.001]  (style 27: #000000, dash 3)
#   index 28: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[-0.4,0.3]])+gd  [tuned lr=0.001]  (style 28: #0072B2, dash 1)
#   index 29: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[-0.4,0.3]])+gd  [tuned lr=0.001]  (style 29: #D55E00, dash 1)
#   index 30: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[-0.3,-0.4]])+gd  [tuned lr=0.001]  (style 30: #009E73, dash 1)
#   index 31: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[-0.3,-0.4]])+gd  [tuned lr=0.001]  (style 31: #CC79A7, dash 1)
#   index 32: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[-0.3,-0.4]])+gd  [tuned lr=0.001]  (style 32: #E69F00, dash 1)
#   index 33: conv(filters=[2,2],init=given,alpha=0.01,init_filters=[[2,0],[0.25,-0.45]])+gd  [tuned lr=0.001]  (style 33: #56B4E9, dash 1)
#   index 34: conv(filters=[2,2],init=given,alpha=0.5,init_filters=[[2,0],[0.25,-0.45]])+gd  [tuned lr=0.001]  (style 34: #000000, dash 1)
#   index 35: conv(filters=[2,2],init=given,alpha=1,init_filters=[[2,0],[0.25,-0.45]])+gd  [tuned lr=0.001]  (style 35: #0072B2, dash 2)
# x is plotted at x + 1 so that x = 0 (the start) shows on the log axis
set terminal svg size 960,1260 dynamic enhanced font 'Sans,12' background rgb 'white'
set output 'p1_classification_metric_normalized_margin.svg'
set datafile missing 'NaN'
set title 'Problem 1: classification(loss=exp,X=[[1,2],[0,-3]],y=[1,-1])' noenhanced
set xlabel 'iteration + 1  (log scale; 1 = the start, iteration 0)' noenhanced
set ylabel 'min_i y_i <W, x_i> / ||W||_2 (normalized_margin)' noenhanced
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set key outside below center horizontal Left reverse noenhanced samplen 3 spacing 1.1 maxcols auto maxrows auto
set logscale x 10
set autoscale xfix
set style fill transparent solid 0.15 noborder
plot \
  'p1_classification_metric_normalized_margin.dat' index 0 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'deep_linear(init_matrix=[0.9,0.4],scale=0.01)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 1 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'deep_linear(init_matrix=[0.9,0.4],scale=0.5)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 2 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'deep_linear(init_matrix=[0.9,0.4],scale=1)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 3 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'deep_linear(init_matrix=[-0.8,0.6],scale=0.01)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 4 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'deep_linear(init_matrix=[-0.8,0.6],scale=0.5)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 5 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'deep_linear(init_matrix=[-0.8,0.6],scale=1)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 6 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 1 title 'deep_linear(init_matrix=[-0.6,-0.8],scale=0.01)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 7 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'deep_linear(init_matrix=[-0.6,-0.8],scale=0.5)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 8 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 2 title 'deep_linear(init_matrix=[-0.6,-0.8],scale=1)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 9 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 2 title 'deep_linear(init_matrix=[0.5,-0.9],scale=0.01)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 10 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'deep_linear(init_matrix=[0.5,-0.9],scale=0.5)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 11 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'deep_linear(init_matrix=[0.5,-0.9],scale=1)+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 12 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 2 title 'diagonal(alpha=0.01,init_directions=[[2,2],[0.45,0.2]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 13 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 2 title 'diagonal(alpha=0.5,init_directions=[[2,2],[0.45,0.2]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 14 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 4 title 'diagonal(alpha=1,init_directions=[[2,2],[0.45,0.2]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 15 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 4 title 'diagonal(alpha=0.01,init_directions=[[2,2],[-0.4,0.3]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 16 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 4 title 'diagonal(alpha=0.5,init_directions=[[2,2],[-0.4,0.3]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 17 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 4 title 'diagonal(alpha=1,init_directions=[[2,2],[-0.4,0.3]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 18 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 4 title 'diagonal(alpha=0.01,init_directions=[[2,2],[-0.3,-0.4]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 19 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 4 title 'diagonal(alpha=0.5,init_directions=[[2,2],[-0.3,-0.4]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 20 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 4 title 'diagonal(alpha=1,init_directions=[[2,2],[-0.3,-0.4]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 21 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 3 title 'diagonal(alpha=0.01,init_directions=[[2,2],[0.25,-0.45]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 22 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 3 title 'diagonal(alpha=0.5,init_directions=[[2,2],[0.25,-0.45]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 23 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 3 title 'diagonal(alpha=1,init_directions=[[2,2],[0.25,-0.45]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 24 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 3 title 'conv(alpha=0.01,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 25 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 3 title 'conv(alpha=0.5,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 26 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 3 title 'conv(alpha=1,init_filters=[[2,0],[0.45,0.2]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 27 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 3 title 'conv(alpha=0.01,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 28 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'conv(alpha=0.5,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 29 using ($1+1):2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'conv(alpha=1,init_filters=[[2,0],[-0.4,0.3]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 30 using ($1+1):2 with lines lw 2 lc rgb '#009E73' dt 1 title 'conv(alpha=0.01,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 31 using ($1+1):2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'conv(alpha=0.5,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 32 using ($1+1):2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'conv(alpha=1,init_filters=[[2,0],[-0.3,-0.4]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 33 using ($1+1):2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'conv(alpha=0.01,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 34 using ($1+1):2 with lines lw 2 lc rgb '#000000' dt 1 title 'conv(alpha=0.5,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001', \
  'p1_classification_metric_normalized_margin.dat' index 35 using ($1+1):2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'conv(alpha=1,init_filters=[[2,0],[0.25,-0.45]])+gd @ lr=0.001'
