// The lane operations are all inline, in include/lanes.h.
#include "lanes.h"
