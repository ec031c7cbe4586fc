#pragma once

namespace machine::drivers::qemu {

// Whether KVM really runs guest code here: a child process opens /dev/kvm, makes a VM with one vCPU and runs
// a single `hlt` instruction; KVM works when the vCPU exits with KVM_EXIT_HLT within `timeout_ms`. (Opening
// /dev/kvm is not enough: some nested set-ups accept every ioctl and then never run the guest.)
[[nodiscard]] bool kvm_runs_guests(int timeout_ms = 3000);

}  // namespace machine::drivers::qemu
