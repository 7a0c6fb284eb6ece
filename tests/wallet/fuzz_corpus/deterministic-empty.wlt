{
    "meta": {
        "coin": "skycoin",
        "cryptoType": "scrypt-chacha20poly1305",
        "encrypted": "false",
        "filename": "corpus.wlt",
        "label": "corpus",
        "lastSeed": "empty corpus seed",
        "seed": "empty corpus seed",
        "tm": "1700000000",
        "type": "deterministic",
        "version": "0.4"
    },
    "entries": []
}