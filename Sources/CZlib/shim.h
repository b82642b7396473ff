#ifndef ANOMALYD_CZLIB_SHIM_H
#define ANOMALYD_CZLIB_SHIM_H
#include <zlib.h>
#endif
