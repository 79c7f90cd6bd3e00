#include "util/version.h"

namespace tleg {

const char* version()
{
    return TLEG_VERSION;
}

} // namespace tleg
