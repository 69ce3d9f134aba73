// Violations check_synth_subset.py must report (its negative test).
#include <ap_int.h>
int sum(const int *x, int n) {
  int s = 0;
  for (int i = 0; i < n; ++i)
    s += x[i];
  return s;
}
int fact(int k) { return k <= 1 ? 1 : k * fact(k - 1); }
void grow(int k) {
  int *p = new int[k];
  while (k > 0)
    p[--k] = 0;
  std::vector<int> v;
  throw 1;
}
