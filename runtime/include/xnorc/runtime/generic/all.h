// Umbrella header for xnorc's generic kernels.
#ifndef XNORC_RUNTIME_GENERIC_ALL_H
#define XNORC_RUNTIME_GENERIC_ALL_H

#include "xn_common.h"

#include "batchnorm.h"
#include "bconv.h"
#include "bdense.h"
#include "bitpack.h"
#include "bpool.h"
#include "bquantize.h"
#include "bwconv.h"
#include "concat.h"
#include "conv.h"
#include "conv_pool.h"
#include "copy.h"
#include "elementwise.h"
#include "gemm.h"
#include "pad.h"
#include "pool.h"
#include "pool_conv.h"
#include "qlinear.h"
#include "qthreshold.h"
#include "reduce.h"
#include "softmax.h"
#include "slice.h"
#include "transpose.h"

#endif // XNORC_RUNTIME_GENERIC_ALL_H
