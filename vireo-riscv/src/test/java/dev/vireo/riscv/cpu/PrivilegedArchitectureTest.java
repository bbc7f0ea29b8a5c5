package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Privileged 1.12: CSR access rules, traps, delegation, xRET, interrupts and WFI. */
class PrivilegedArchitectureTest {
    private static TestMachine run(String source) {
        return new TestMachine().run(source + "\nhalt\n");
    }

    @Test
    void supervisorReadingAMachineCsrIsAnIllegalInstructionWithTheBitsInMtval() {
        try (var m = run(Programs.M_HANDLER + Programs.enter(1, "s") + """
                s: csrr a0, mstatus
                """)) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
            assertThat(m.reg("s9")).isEqualTo(0x30002573L); // csrrs a0, mstatus, zero
            assertThat(m.reg("s11")).isEqualTo(1);
        }
    }

    @Test
    void writingAReadOnlyCsrIsIllegalButReadingItIsNot() {
        try (var m = run(Programs.M_HANDLER + """
                csrr a0, mhartid
                csrr a1, misa
                csrr a2, mvendorid
                csrw mhartid, zero
                """)) {
            assertThat(m.reg("a0")).isZero();
            assertThat(m.reg("a1")).isEqualTo(Isa.MISA);
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
        }
    }

    @Test
    void countersNeedMcounterenInLowerPrivileges() {
        try (var m = run(Programs.M_HANDLER + """
                li t0, 2
                csrw mcounteren, t0
                """ + Programs.enter(1, "s") + """
                s: rdtime a0
                rdcycle a1
                """)) {
            assertThat(m.reg("a0")).isPositive();
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
            assertThat(m.reg("s9")).isEqualTo(0xC00025F3L); // rdcycle a1
        }
    }

    @Test
    void unknownCsrIsIllegal() {
        try (var m = run(Programs.M_HANDLER + "csrr a0, 0x7c0")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
        }
    }

    @Test
    void ecallCauseDependsOnPrivilegeAndDelegatedOnesGoToSupervisor() {
        try (var m = run(Programs.M_HANDLER + Programs.S_HANDLER + """
                li t0, 1 << 8
                csrw medeleg, t0
                """ + Programs.enter(0, "u") + """
                u: ecall
                """)) {
            assertThat(m.reg("s4")).isEqualTo(Trap.ECALL_U);
            assertThat(m.reg("s7")).as("SPP = U").isZero();
            assertThat(m.reg("s5")).as("stval is 0 for ecall").isZero();
            assertThat(m.reg("s8")).as("M handler not entered").isZero();
        }
    }

    @Test
    void ecallFromSupervisorIsNotDelegatedWithoutItsBit() {
        try (var m = run(Programs.M_HANDLER + Programs.S_HANDLER + """
                li t0, 1 << 8
                csrw medeleg, t0
                """ + Programs.enter(1, "s") + """
                s: ecall
                """)) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ECALL_S);
            assertThat(m.reg("s11")).isEqualTo(1);
        }
    }

    @Test
    void mretRestoresInterruptEnableAndPrivilege() {
        try (var m = run(Programs.M_HANDLER + """
                li t0, 0x80
                csrs mstatus, t0   # MPIE = 1
                """ + Programs.enter(1, "s") + """
                s: csrr a0, sstatus
                ecall
                """)) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ECALL_S);
            assertThat(m.hart().csr.mstatus & Csr.MPIE).as("MPIE after trap = MIE before (set by mret)").isNotZero();
        }
    }

    @Test
    void sretIsIllegalInSupervisorWhenTsrIsSet() {
        try (var m = run(Programs.M_HANDLER + """
                li t0, 1 << 22
                csrs mstatus, t0
                """ + Programs.enter(1, "s") + """
                s: sret
                """)) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
        }
    }

    @Test
    void wfiInUserModeIsIllegal() {
        try (var m = run(Programs.M_HANDLER + Programs.enter(0, "u") + "u: wfi")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
        }
    }

    @Test
    void timerInterruptWakesWfiAndUsesTheVectoredEntry() {
        try (var m = run("""
                la t0, vectors
                ori t0, t0, 1
                csrw mtvec, t0
                li t0, 1 << 7         # the test set mtimecmp 2 ms ahead
                csrw mie, t0
                csrsi mstatus, 8
                1: wfi
                j 1b
                .align 6
                .option push
                .option norvc        # vector entries are 4 bytes apart
                vectors:
                  .rept 7
                  j bad
                  .endr
                  j timer            # entry 7: machine timer
                .option pop
                bad: li a0, -1
                  halt
                timer:
                  csrr a0, mcause
                  csrr a1, mepc
                  halt
                """, 20_000)) {
            assertThat(m.reg("a0")).isEqualTo(Long.MIN_VALUE | Hart.MTIP);
            assertThat(m.hart().instret()).as("the hart slept instead of spinning").isLessThan(100_000);
        }
    }

    private static TestMachine run(String source, long mtimecmpTicksFromNow) {
        var m = new TestMachine();
        m.load(source + "\nhalt\n");
        m.hart().setMtimecmp(m.clock.mtime() + mtimecmpTicksFromNow);
        return m.start();
    }

    @Test
    void delegatedSupervisorSoftwareInterruptIsTakenInSupervisorOnly() {
        try (var m = run(Programs.M_HANDLER + Programs.S_HANDLER + """
                li t0, 2
                csrw mideleg, t0
                csrw mie, t0
                csrs mip, t0         # SSIP pending while in M: not taken (delegated)
                li a0, 1
                """ + Programs.enter(1, "s") + """
                s: li a1, 1
                csrsi sstatus, 2     # SIE: now it is taken
                li a2, 1
                """)) {
            assertThat(m.reg("a0")).isEqualTo(1);
            assertThat(m.reg("s4")).isEqualTo(Long.MIN_VALUE | Hart.SSIP);
            assertThat(m.reg("a2")).as("interrupt taken before the next instruction").isZero();
            assertThat(m.reg("s8")).isZero();
        }
    }

    @Test
    void machineInterruptsPreemptSupervisorModeEvenWithMieClear() {
        try (var m = run(Programs.M_HANDLER + """
                li t0, 1 << 3
                csrw mie, t0
                """ + Programs.enter(1, "s") + """
                s: li a1, 1
                spin: j spin
                """, true)) {
            assertThat(m.reg("s8")).isEqualTo(Long.MIN_VALUE | Hart.MSIP);
            assertThat(m.reg("s11")).isEqualTo(1);
        }
    }

    private static TestMachine run(String source, boolean raiseSoftwareInterrupt) {
        var m = new TestMachine();
        m.load(source + "\nhalt\n");
        Thread.ofPlatform().start(() -> {
            try { Thread.sleep(50); } catch (InterruptedException ignored) { }
            m.hart().setSoftwareInterrupt(true);
        });
        return m.start();
    }

    @Test
    void supervisorTimerFromStimecmpNeedsStce() {
        try (var m = run(Programs.M_HANDLER + Programs.S_HANDLER + """
                li t0, 1 << 63
                csrs menvcfg, t0
                li t0, 2
                csrw mcounteren, t0
                li t0, 1 << 5
                csrw mideleg, t0
                csrw mie, t0
                """ + Programs.enter(1, "s") + """
                s: csrsi sstatus, 2
                rdtime t1
                li t2, 10000
                add t1, t1, t2
                csrw stimecmp, t1
                1: wfi
                j 1b
                """)) {
            assertThat(m.reg("s4")).isEqualTo(Long.MIN_VALUE | Hart.STIP);
        }
    }

    @Test
    void externalInterruptFromThePlicLineWakesWfi() {
        var m = new TestMachine();
        m.load(Programs.M_HANDLER + """
                li t0, 1 << 11
                csrw mie, t0
                csrsi mstatus, 8
                1: wfi
                j 1b
                halt
                """);
        Thread.ofPlatform().start(() -> {
            try { Thread.sleep(100); } catch (InterruptedException ignored) { }
            m.hart().setExternalInterrupt(3, true);
        });
        try (m) {
            m.start();
            assertThat(m.reg("s8")).isEqualTo(Long.MIN_VALUE | Hart.MEIP);
            assertThat(m.hart().instret()).as("slept in WFI").isLessThan(100_000);
        }
    }

    @Test
    void hardwarePerformanceCountersReadZeroAndMinstretCounts() {
        try (var m = run("""
                csrr a0, hpmcounter3
                csrr a1, mhpmcounter31
                csrr a2, mhpmevent3
                csrr a3, minstret
                nop
                nop
                csrr a4, minstret
                """)) {
            assertThat(m.reg("a0")).isZero();
            assertThat(m.reg("a1")).isZero();
            assertThat(m.reg("a2")).isZero();
            assertThat(m.reg("a4") - m.reg("a3")).isEqualTo(3);
        }
    }

    @Test
    void simultaneousInterruptsAreTakenInSpecPriorityOrder() {
        var m = new TestMachine();
        m.load(Programs.M_HANDLER + """
                li t0, (1 << 11) | (1 << 7) | (1 << 3)
                csrw mie, t0
                csrsi mstatus, 8
                halt
                """);
        m.hart().setSoftwareInterrupt(true);
        m.hart().setMtimecmp(0);
        m.hart().setExternalInterrupt(3, true);
        try (m) {
            m.start();
            assertThat(m.reg("s8")).as("MEI before MSI and MTI").isEqualTo(Long.MIN_VALUE | Hart.MEIP);
        }
    }

    @Test
    void softwareInterruptOutranksTimer() {
        var m = new TestMachine();
        m.load(Programs.M_HANDLER + """
                li t0, (1 << 7) | (1 << 3)
                csrw mie, t0
                csrsi mstatus, 8
                halt
                """);
        m.hart().setSoftwareInterrupt(true);
        m.hart().setMtimecmp(0);
        try (m) {
            m.start();
            assertThat(m.reg("s8")).isEqualTo(Long.MIN_VALUE | Hart.MSIP);
        }
    }

    @Test
    void settingSsipWhileThePlicDrivesSeipDoesNotLatchSeip() {
        // OpenSBI forwards IPIs with csr_set(mip, SSIP) while the PLIC may hold SEIP high; the
        // read-modify-write must not copy the line into the software SEIP bit, or SEIP stays
        // pending after the PLIC drops it (an endless external-interrupt storm in Linux).
        var m = new TestMachine();
        m.load("""
                li t0, 1 << 1
                csrrs a0, mip, t0     # a0: mip as read, with the PLIC's SEIP
                csrrc a1, mip, t0
                halt
                """);
        m.hart().setExternalInterrupt(1, true);
        try (m) {
            m.start();
            assertThat(m.reg("a0") & (1L << Hart.SEIP)).as("SEIP reads as the line").isNotZero();
            m.hart().setExternalInterrupt(1, false);
            assertThat(m.hart().csr.mip() & ((1L << Hart.SEIP) | (1L << Hart.SSIP))).isZero();
        }
    }

    @Test
    void vectoredSupervisorTvecAddsFourTimesTheCause() {
        try (var m = run("""
                la t0, s_vectors
                ori t0, t0, 1
                csrw stvec, t0
                li t0, 1 << 9
                csrw mideleg, t0
                csrw mie, t0
                csrs mip, t0          # software-set SEIP, delegated
                """ + Programs.enter(1, "s") + """
                s: csrsi sstatus, 2
                1: j 1b
                .align 6
                .option push
                .option norvc
                s_vectors:
                  .rept 9
                  j s_bad
                  .endr
                  j s_external       # entry 9: supervisor external
                .option pop
                s_bad: li a0, -1
                  halt
                s_external:
                  csrr a0, scause
                  halt
                """)) {
            assertThat(m.reg("a0")).isEqualTo(Long.MIN_VALUE | Hart.SEIP);
        }
    }
}
