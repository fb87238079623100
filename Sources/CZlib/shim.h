#ifndef HUTSYNC_CZLIB_SHIM_H
#define HUTSYNC_CZLIB_SHIM_H
#include <zlib.h>
#endif
