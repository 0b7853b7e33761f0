// Per-environment state of the addon (one per Node.js environment / worker), kept as N-API instance data.
#pragma once
#include <napi.h>

#include <array>

namespace pmemts {

struct AddonData {
  // Constructors of the JS error classes, indexed by ErrorKind.
  std::array<Napi::FunctionReference, 8> errorCtors;
  // The caller realm's TypeError, so `instanceof TypeError` holds in vm contexts (jest) too.
  Napi::FunctionReference typeErrorCtor;
  bool errorsReady = false;
  Napi::FunctionReference poolCtor;
};

inline AddonData* GetAddonData(Napi::Env env) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data == nullptr) {
    data = new AddonData();
    env.SetInstanceData<AddonData>(data);
  }
  return data;
}

}  // namespace pmemts
