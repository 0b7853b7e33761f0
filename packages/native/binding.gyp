{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "src"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
    "libraries": ["-lpmemobj", "-lpmem"]
  },
  "variables": {
    "addon_sources": ["src/addon.cpp", "src/objects/pool.cpp", "src/objects/pool-tx.cpp", "src/objects/heap-format.cpp", "src/objects/pool-defrag.cpp", "src/util/errors.cpp", "src/util/args.cpp"]
  },
  "targets": [
    {
      "target_name": "pmemts_native",
      "sources": ["<@(addon_sources)"]
    },
    {
      "target_name": "pmemts_native_failpoints",
      "sources": ["<@(addon_sources)", "src/util/failpoints.cpp"],
      "defines": ["PMEMTS_FAILPOINTS"]
    },
    {
      "target_name": "pmemts_probe",
      "type": "executable",
      "sources": ["src/probe/probe.c"],
      "include_dirs": [],
      "cflags": ["-O2", "-Wall"],
      "libraries": ["-lpmemobj"]
    }
  ]
}
