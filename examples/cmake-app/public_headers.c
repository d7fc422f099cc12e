/* The C API's header, compiled as C with the app's strict warnings. */
#include <coreai/coreai.h>

/* A translation unit must declare something (ISO C). */
typedef int coreai_public_headers_compile_as_c;
