{
    "meta": {
        "coin": "skycoin",
        "cryptoType": "scrypt-chacha20poly1305",
        "encrypted": "false",
        "filename": "corpus.wlt",
        "label": "corpus",
        "lastSeed": "b2eb1a9a711944dcd9ddf44d8bdf4a638c44140218696792f3f9087b2db32b35",
        "seed": "corpus seed",
        "tm": "1700000000",
        "type": "deterministic",
        "version": "0.4"
    },
    "entries": [
        {
            "address": "Fu3CGb5xwcuLfpTKpy8WEqJ5U4ZnaLsD3q",
            "public_key": "02624088bbd5da16bfa09ee55d20f7752fd03ef7afb0ea57b90abed2f85a05a523",
            "secret_key": "2fefe518285f9e81fac2e65c2f707d83bd3554dedf40fc8dee916e415e39634b"
        },
        {
            "address": "2K4AN8sanxW3eMBPe3gncpnpKsWfgW1wA14",
            "public_key": "02f943f204a789e645d83f583dc3372cc77372da5fad19c330ba3a4a8ff69a504b",
            "secret_key": "cd9aa50217385f6f93a186cc58844fd1e8a693d230d6c864cf09ed046f3b95b6"
        },
        {
            "address": "byRqTo2pGWXbvGZFjqovQ4TncXLbsAcnQv",
            "public_key": "02bd3285f4103606b0681521eec375ed3bb767a81d6c4e39fb5596e10548631997",
            "secret_key": "0ae73a6a2db436b2a38e5d5d1a24c10f31a2021d7a00dbbe053ca557456a14e9"
        }
    ]
}