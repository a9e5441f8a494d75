/* libFuzzer target for lw_frame_decode: any bytes. A rejected frame must explain itself; an
 * accepted one must point only inside the input, and is then run through everything that
 * reads a decoded frame — data MICs (1.0 and 1.1), FRMPayload and FOpts decryption, the
 * uplink MAC command parser, join MICs, join-accept decryption — under fixed keys. A data
 * frame with no RFU bits set must also come back byte for byte from lw_data_build fed with
 * what was decoded and decrypted. Out-of-bounds reads show under ASan. */
#include "lorawan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const lw_session s10 = {
    .dev_addr = 0x26011234,
    .f_nwk_s_int = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    .s_nwk_s_int = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    .nwk_s_enc = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    .app_s = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
};
static const lw_session s11 = {
    .dev_addr = 0x26011234,
    .f_nwk_s_int = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
    .s_nwk_s_int = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
    .nwk_s_enc = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5},
    .app_s = {6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6},
    .v11 = true,
};
static const uint8_t root_key[LW_KEY_LEN] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

static void check_inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
    if (n > 0 && (!p || p < buf || p + n > buf + len))
        abort();
}

static bool is_up(uint8_t mtype)
{
    return mtype == LW_UNCONFIRMED_UP || mtype == LW_CONFIRMED_UP;
}

/* Rebuilds the frame from its decoded fields and plaintext under s10 (FOpts are plaintext in
 * 1.0) and compares: every byte but RFU bits must survive decode -> build. */
static void rebuild(const lw_frame *f, const uint8_t *buf, size_t len, const uint8_t *plain)
{
    bool down_rfu = !is_up(f->mtype) && (buf[5] & 0x40);
    if ((buf[0] & 0x1C) != 0 || down_rfu)
        return;
    lw_data d = {.mtype = f->mtype,
                 .adr = f->adr,
                 .adr_ack_req = f->adr_ack_req,
                 .ack = f->ack,
                 .fpending = f->fpending,
                 .fcnt = f->fcnt16,
                 .fopts = f->fopts,
                 .fopts_len = f->fopts_len,
                 .fport = f->fport,
                 .payload = plain,
                 .len = f->frm_len};
    lw_session s = s10;
    s.dev_addr = f->dev_addr;
    uint8_t out[LW_MAX_PHY], mic[4];
    int n = lw_data_build(&s, &d, out, sizeof out);
    if (n != (int)len || memcmp(out, buf, len - 4) != 0)
        abort();
    if (lw_data_mic(&s, f, f->fcnt16, 0, 0, 0, mic) != 0 || memcmp(mic, out + len - 4, 4) != 0)
        abort();
}

static void run_data(const lw_frame *f, const uint8_t *buf, size_t len)
{
    check_inside(f->fopts, f->fopts_len, buf, len - 4);
    check_inside(f->frm_payload, f->frm_len, buf, len - 4);
    uint32_t fcnt = lw_fcnt_full(0x0001FFF0, true, f->fcnt16);
    volatile bool ok = lw_data_mic_ok(&s10, f, fcnt, 0, 0, 0);
    ok = lw_data_mic_ok(&s11, f, fcnt, 0x1234, 3, 1) || lw_data_mic_f_ok(&s11, f, fcnt);
    (void)ok;

    enum lw_dir dir = is_up(f->mtype) ? LW_UP : LW_DOWN;
    uint8_t plain[LW_MAX_PHY], fopts[LW_MAX_FOPTS];
    lw_mac_cmd cmds[LW_MAX_PHY];
    char err[LW_ERRLEN];
    if (lw_fopts_crypt(s11.nwk_s_enc, dir, f->fport > 0, f->dev_addr, fcnt, f->fopts, f->fopts_len,
                       fopts) != 0)
        abort();
    if (is_up(f->mtype))
        lw_mac_parse_up(f->fopts, f->fopts_len, cmds, LW_MAX_PHY, err, sizeof err);
    const uint8_t *k = f->fport == 0 ? s10.nwk_s_enc : s10.app_s;
    if (lw_frm_crypt(k, dir, f->dev_addr, f->fcnt16, f->frm_payload, f->frm_len, plain) != 0)
        abort();
    if (f->fport == 0 && is_up(f->mtype)) {
        int n = lw_mac_parse_up(plain, f->frm_len, cmds, LW_MAX_PHY, err, sizeof err);
        for (int i = 0; i < n; i++)
            check_inside(cmds[i].payload, cmds[i].len, plain, f->frm_len);
    }
    rebuild(f, buf, len, plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LW_ERRLEN];
    lw_frame f;
    if (lw_frame_decode(data, size, &f, err, sizeof err) != 0) {
        /* a rejection always explains itself */
        if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
            abort();
        return 0;
    }
    if (f.raw != data || f.raw_len != size || f.major != 0)
        abort();
    switch (f.mtype) {
    case LW_UNCONFIRMED_UP:
    case LW_UNCONFIRMED_DOWN:
    case LW_CONFIRMED_UP:
    case LW_CONFIRMED_DOWN:
        run_data(&f, data, size);
        break;
    case LW_JOIN_REQUEST:
    case LW_REJOIN_REQUEST: {
        volatile bool ok = lw_join_request_mic_ok(root_key, &f);
        (void)ok;
        break;
    }
    case LW_JOIN_ACCEPT: {
        volatile bool ok = lw_join_accept_mic_ok(root_key, f.dl_settings & 0x80, 0xFF,
                                                 0x0102030405060708, 0x0102, data, size);
        (void)ok;
        /* read it again as the encrypted form a device receives */
        uint8_t plain[33];
        lw_frame g;
        if (lw_join_accept_decrypt(root_key, data, size, plain) != 0 ||
            lw_frame_decode(plain, size, &g, err, sizeof err) != 0 || g.mtype != LW_JOIN_ACCEPT)
            abort();
        break;
    }
    default:
        break;
    }
    return 0;
}
