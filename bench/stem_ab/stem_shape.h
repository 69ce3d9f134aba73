// Bi-Real-18's and ResNet-18's stem as one xn_conv_pool_params: conv 7x7/2, pads 3, 3 -> 64
// channels, 224x224 -> 112x112, Relu; max-pool 3x3/2, pads 1, -> 56x56 (the initializer the
// generated code of bench/model_bench.py's bireal18 passes).
#ifndef XN_STEM_SHAPE_H
#define XN_STEM_SHAPE_H
#define XN_STEM_PARAMS                                                                             \
  {                                                                                                \
    2, 1, 3, 64, 1, {224, 224, 0}, {112, 112, 0}, {7, 7, 0}, {2, 2, 0}, {1, 1, 0}, {3, 3, 0},      \
        {3, 3, 0}, 1, 0.0f, 0.0f, {56, 56, 0}, {3, 3, 0}, {2, 2, 0}, {1, 1, 0}, {                  \
      1, 1, 0                                                                                      \
    }                                                                                              \
  }
#define XN_STEM_IN (3 * 224 * 224)
#define XN_STEM_W (3 * 7 * 7 * 64)
#define XN_STEM_OUT (64 * 56 * 56)
#define XN_STEM_MACS 118013952.0 // 112 * 112 * 64 * 3 * 7 * 7
#endif
