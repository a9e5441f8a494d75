/* PHYPayload decoding for every MType, the parser of uplink MAC commands, and MAC version
 * names. Layouts follow LoRaWAN 1.0.4 §4 (MAC message formats), §5 (MAC commands) and §6.2
 * (join-request / join-accept) and LoRaWAN 1.1 §6.2.4 (rejoin-request). Decoding checks
 * structure only; MICs are data.c's and join.c's business. */
#include "lw_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MHDR_LEN 1
#define MIC_LEN  4
#define FHDR_MIN 7 /* DevAddr 4, FCtrl 1, FCnt 2 */

/* Fills err (when given) with a sentence and returns -1. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- PHYPayload ---- */

typedef int (*decode_fn)(const uint8_t *b, size_t len, lw_frame *f, char *err, size_t errlen);

static int decode_join_request(const uint8_t *b, size_t len, lw_frame *f, char *err, size_t errlen)
{
    /* LoRaWAN 1.0.4 §6.2.4: MHDR | JoinEUI 8 | DevEUI 8 | DevNonce 2 | MIC */
    if (len != 23)
        return fail(err, errlen, "a join-request is 23 bytes, this one has %zu", len);
    f->join_eui = lw_get_le64(b + 1);
    f->dev_eui = lw_get_le64(b + 9);
    f->dev_nonce = lw_get_le16(b + 17);
    return 0;
}

static int decode_join_accept(const uint8_t *b, size_t len, lw_frame *f, char *err, size_t errlen)
{
    /* LoRaWAN 1.0.4 §6.2.5: MHDR | JoinNonce 3 | NetID 3 | DevAddr 4 | DLSettings 1 |
     * RxDelay 1 | CFList 16 (optional) | MIC */
    if (len != 17 && len != 33)
        return fail(err, errlen, "a join-accept is 17 bytes (33 with a CFList), this one has %zu",
                    len);
    f->join_nonce = lw_get_le24(b + 1);
    f->net_id = lw_get_le24(b + 4);
    f->dev_addr = lw_get_le32(b + 7);
    f->dl_settings = b[11];
    f->rx_delay = b[12];
    f->has_cflist = len == 33;
    if (f->has_cflist)
        memcpy(f->cflist, b + 13, sizeof f->cflist);
    return 0;
}

static bool mtype_is_up(uint8_t mtype)
{
    return mtype == LW_UNCONFIRMED_UP || mtype == LW_CONFIRMED_UP;
}

static int decode_data(const uint8_t *b, size_t len, lw_frame *f, char *err, size_t errlen)
{
    /* LoRaWAN 1.0.4 §4.3: MHDR | DevAddr 4 | FCtrl 1 | FCnt 2 | FOpts 0..15 |
     * [FPort 1 | FRMPayload] | MIC */
    if (len < MHDR_LEN + FHDR_MIN + MIC_LEN)
        return fail(err, errlen,
                    "a data frame is at least 12 bytes (MHDR, DevAddr, FCtrl, FCnt, MIC), "
                    "this one has %zu",
                    len);
    uint8_t fctrl = b[5];
    f->dev_addr = lw_get_le32(b + 1);
    f->adr = fctrl & 0x80;
    f->adr_ack_req = mtype_is_up(f->mtype) && (fctrl & 0x40); /* RFU on downlinks */
    f->ack = fctrl & 0x20;
    f->fpending = fctrl & 0x10; /* ClassB on uplinks (§4.3.1) */
    f->fopts_len = fctrl & 0x0f;
    f->fcnt16 = lw_get_le16(b + 6);
    size_t fhdr_end = MHDR_LEN + FHDR_MIN + f->fopts_len;
    if (fhdr_end + MIC_LEN > len)
        return fail(err, errlen,
                    "FOptsLen %u needs a frame of at least %zu bytes, this one has %zu",
                    f->fopts_len, fhdr_end + MIC_LEN, len);
    f->fopts = f->fopts_len ? b + MHDR_LEN + FHDR_MIN : NULL;
    size_t rest = len - MIC_LEN - fhdr_end;
    if (rest > 0) {
        f->fport = b[fhdr_end];
        f->frm_len = rest - 1;
        f->frm_payload = f->frm_len ? b + fhdr_end + 1 : NULL;
    }
    /* §4.3.1.6: MAC commands go in FOpts or, with FPort 0, in FRMPayload, never both */
    if (f->fport == 0 && f->fopts_len > 0)
        return fail(err, errlen,
                    "FPort 0 carries MAC commands in FRMPayload, so FOpts must be empty, "
                    "but FOptsLen is %u",
                    f->fopts_len);
    return 0;
}

static int decode_rejoin(const uint8_t *b, size_t len, lw_frame *f, char *err, size_t errlen)
{
    /* LoRaWAN 1.1 §6.2.4.1-2: MHDR | Type 1 | NetID 3 | DevEUI 8 | RJcount0 2 | MIC for
     * types 0 and 2; MHDR | Type 1 | JoinEUI 8 | DevEUI 8 | RJcount1 2 | MIC for type 1 */
    if (len < 2)
        return fail(err, errlen, "a rejoin-request has no Rejoin Type byte");
    f->rejoin_type = b[1];
    if (f->rejoin_type == 0 || f->rejoin_type == 2) {
        if (len != 19)
            return fail(err, errlen, "a rejoin-request of type %u is 19 bytes, this one has %zu",
                        f->rejoin_type, len);
        f->net_id = lw_get_le24(b + 2);
        f->dev_eui = lw_get_le64(b + 5);
        f->rj_count = lw_get_le16(b + 13);
        return 0;
    }
    if (f->rejoin_type == 1) {
        if (len != 24)
            return fail(err, errlen, "a rejoin-request of type 1 is 24 bytes, this one has %zu",
                        len);
        f->join_eui = lw_get_le64(b + 2);
        f->dev_eui = lw_get_le64(b + 10);
        f->rj_count = lw_get_le16(b + 18);
        return 0;
    }
    return fail(err, errlen, "rejoin type %u is not defined (0, 1 or 2)", f->rejoin_type);
}

static int decode_proprietary(const uint8_t *b, size_t len, lw_frame *f, char *err, size_t errlen)
{
    /* §4.2.1: the format is the vendor's; raw holds it all, mic the last 4 bytes if any */
    return 0;
}

static const decode_fn decoders[8] = {
    [LW_JOIN_REQUEST] = decode_join_request, [LW_JOIN_ACCEPT] = decode_join_accept,
    [LW_UNCONFIRMED_UP] = decode_data,       [LW_UNCONFIRMED_DOWN] = decode_data,
    [LW_CONFIRMED_UP] = decode_data,         [LW_CONFIRMED_DOWN] = decode_data,
    [LW_REJOIN_REQUEST] = decode_rejoin,     [LW_PROPRIETARY] = decode_proprietary,
};

int lw_frame_decode(const uint8_t *buf, size_t len, lw_frame *f, char *err, size_t errlen)
{
    if (err && errlen > 0)
        err[0] = '\0';
    if (!f)
        return fail(err, errlen, "no frame to decode into");
    memset(f, 0, sizeof *f);
    f->fport = -1;
    if (!buf || len == 0)
        return fail(err, errlen, "the PHYPayload is empty");
    if (len > LW_MAX_PHY)
        return fail(err, errlen,
                    "a PHYPayload of %zu bytes is longer than the %d bytes any region allows", len,
                    LW_MAX_PHY);
    /* §4.2: MHDR = MType (bits 7..5) | RFU (4..2) | Major (1..0) */
    f->mtype = buf[0] >> 5;
    f->major = buf[0] & 0x03;
    f->raw = buf;
    f->raw_len = len;
    if (f->major != 0)
        return fail(err, errlen, "major version %u is not LoRaWAN R1 (0)", f->major);
    if (f->mtype != LW_PROPRIETARY && len < MHDR_LEN + MIC_LEN)
        return fail(err, errlen, "a PHYPayload of %zu bytes has no room for MHDR and MIC", len);
    if (len >= MHDR_LEN + MIC_LEN)
        memcpy(f->mic, buf + len - MIC_LEN, MIC_LEN);
    return decoders[f->mtype](buf, len, f, err, errlen);
}

/* ---- uplink MAC commands, LoRaWAN 1.0.4 §5 Table 4 and LoRaWAN 1.1 §5 ---- */

typedef struct mac_def {
    const char *name; /* NULL: not a command a device sends */
    uint8_t len;      /* payload bytes after the CID */
} mac_def;

static const mac_def mac_up[256] = {
    [0x01] = {"ResetInd", 1},        [0x02] = {"LinkCheckReq", 0},
    [0x03] = {"LinkADRAns", 1},      [0x04] = {"DutyCycleAns", 0},
    [0x05] = {"RXParamSetupAns", 1}, [0x06] = {"DevStatusAns", 2},
    [0x07] = {"NewChannelAns", 1},   [0x08] = {"RXTimingSetupAns", 0},
    [0x09] = {"TxParamSetupAns", 0}, [0x0A] = {"DlChannelAns", 1},
    [0x0B] = {"RekeyInd", 1},        [0x0C] = {"ADRParamSetupAns", 0},
    [0x0D] = {"DeviceTimeReq", 0},   [0x0F] = {"RejoinParamSetupAns", 1},
    [0x10] = {"PingSlotInfoReq", 1}, [0x11] = {"PingSlotChannelAns", 1},
    [0x12] = {"BeaconTimingReq", 0}, [0x13] = {"BeaconFreqAns", 1},
    [0x20] = {"DeviceModeInd", 1},
};

int lw_mac_parse_up(const uint8_t *buf, size_t len, lw_mac_cmd *cmds, size_t max, char *err,
                    size_t errlen)
{
    if (err && errlen > 0)
        err[0] = '\0';
    if (!buf && len > 0)
        return fail(err, errlen, "no MAC command bytes given");
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint8_t cid = buf[i];
        const mac_def *d = &mac_up[cid];
        if (!d->name)
            return fail(err, errlen,
                        "unknown uplink MAC command CID 0x%02X at byte %zu: the commands "
                        "after it cannot be read",
                        cid, i);
        if (len - i - 1 < d->len)
            return fail(err, errlen,
                        "%s (CID 0x%02X) at byte %zu needs %u payload bytes, only %zu are left",
                        d->name, cid, i, d->len, len - i - 1);
        if (!cmds)
            return fail(err, errlen, "no array to put the MAC commands in");
        if (n >= max)
            return fail(err, errlen, "more than %zu MAC commands", max);
        cmds[n].cid = cid;
        cmds[n].len = d->len;
        cmds[n].payload = d->len ? buf + i + 1 : NULL;
        n++;
        i += 1 + (size_t)d->len;
    }
    return (int)n;
}

/* ---- MAC versions ---- */

static const char *const version_names[] = {
    [LW_V1_0_0] = "1.0.0", [LW_V1_0_1] = "1.0.1", [LW_V1_0_2] = "1.0.2",
    [LW_V1_0_3] = "1.0.3", [LW_V1_0_4] = "1.0.4", [LW_V1_1] = "1.1",
};

/* Other spellings seen in device profiles. */
static const struct {
    const char *name;
    int v;
} version_aliases[] = {{"1.0", LW_V1_0_0}, {"1.1.0", LW_V1_1}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int lw_version_parse(const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < COUNT(version_names); i++)
        if (strcmp(s, version_names[i]) == 0)
            return (int)i;
    for (size_t i = 0; i < COUNT(version_aliases); i++)
        if (strcmp(s, version_aliases[i].name) == 0)
            return version_aliases[i].v;
    return -1;
}

const char *lw_version_name(int v)
{
    if (v < 0 || (size_t)v >= COUNT(version_names))
        return NULL;
    return version_names[v];
}
