#ifndef HUTSYNC_CSODIUM_SHIM_H
#define HUTSYNC_CSODIUM_SHIM_H
#include <sodium.h>
#endif
