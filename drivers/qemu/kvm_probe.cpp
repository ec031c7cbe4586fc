#include "drivers/qemu/kvm_probe.hpp"

#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace machine::drivers::qemu {
namespace {

constexpr unsigned long k_guest_address = 0x1000;
constexpr std::size_t k_page = 0x1000;
constexpr int k_kvm_api_version = 12;

// Runs in the child: 0 when the guest's hlt came back as KVM_EXIT_HLT. File descriptors and mappings die with
// the child.
int probe() {
    int kvm = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0 || ::ioctl(kvm, KVM_GET_API_VERSION, 0) != k_kvm_api_version) {
        return 1;
    }
    int vm = ::ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) {
        return 2;
    }
    void* memory = ::mmap(nullptr, k_page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
        return 3;
    }
    static_cast<unsigned char*>(memory)[0] = 0xf4;  // hlt
    kvm_userspace_memory_region region{};
    region.slot = 0;
    region.guest_phys_addr = k_guest_address;
    region.memory_size = k_page;
    region.userspace_addr = reinterpret_cast<unsigned long>(memory);
    if (::ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        return 4;
    }
    int vcpu = ::ioctl(vm, KVM_CREATE_VCPU, 0);
    int run_size = ::ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, nullptr);
    if (vcpu < 0 || run_size <= 0) {
        return 5;
    }
    auto* run = static_cast<kvm_run*>(
        ::mmap(nullptr, static_cast<std::size_t>(run_size), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0));
    if (run == MAP_FAILED) {
        return 6;
    }
    kvm_sregs sregs{};
    if (::ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) {
        return 7;
    }
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    kvm_regs regs{};
    regs.rip = k_guest_address;
    regs.rflags = 0x2;
    if (::ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ::ioctl(vcpu, KVM_SET_REGS, &regs) < 0) {
        return 8;
    }
    if (::ioctl(vcpu, KVM_RUN, nullptr) < 0) {
        return 9;
    }
    return run->exit_reason == KVM_EXIT_HLT ? 0 : 10;
}

}  // namespace

bool kvm_runs_guests(int timeout_ms) {
    if (::access("/dev/kvm", R_OK | W_OK) != 0) {
        return false;
    }
    pid_t child = ::fork();
    if (child < 0) {
        return false;
    }
    if (child == 0) {
        ::_exit(probe());
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (true) {
        pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) {
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        if (done < 0 || std::chrono::steady_clock::now() >= deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace machine::drivers::qemu
