#ifndef HUTSYNC_CDEFLATE_SHIM_H
#define HUTSYNC_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
