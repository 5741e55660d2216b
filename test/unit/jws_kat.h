/* SPDX-License-Identifier: MIT */
/*
 * jws_kat.h - test-only known-answer tokens and DPoP proofs minted by an
 * independent implementation (test/unit/data/mint_jwt.py: python3-jwt and
 * python3-cryptography), shared by test_jws.c and test_auth_conf.c.
 * ES256 signatures are randomised: these are one fixed run of the script.
 */
#pragma once

static const char kat_ed_token[] =
    "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLmludGVybmFsIiwiYXVkIjpbInVybjpvbW5pZDpub2RlOnRlc3QiLCJvdG"
    "hlciJdLCJzdWIiOiJhZ2VudC1wYXRjaGVyLTAxIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjcyMjU5MDAsImp0aSI6"
    "InRvay0wMTIzNDU2Nzg5YWJjZGVmIiwic2NvcGUiOiJyb3V0ZS5yZWFkIHBlZXIucmVhZCIsImNuZiI6eyJqa3QiOiJBa1"
    "hJWkZ6b25iNTlabUd3eUtnaTNIM0J3TWk2YW1ldnFkS1FpTFpoZHRjIn0sImludGVudCI6eyJ3b3JrZmxvd19pZCI6Indm"
    "LXBhdGNoIiwid29ya2Zsb3dfc3RlcCI6InNjYW4iLCJleGVjdXRlZF9ieSI6ImFnZW50LXBhdGNoZXItMDEiLCJkZWxlZ2"
    "F0aW9uX2NoYWluIjoiMDEyMzQ1Njc4OWFiY2RlZiIsInN0ZXBfc2VxdWVuY2VfaGFzaCI6ImZlZGNiYTk4NzY1NDMyMTAi"
    "fSwiYWdlbnRfcHJvb2YiOnsiYWdlbnRfY2hlY2tzdW0iOiJzaGEyNTY6MjQyZDJmMjNhMTk0NDgzYTBhZWExOWM2MGY4Nm"
    "NhMmZiODg3ZDk3ZWRmZDJjZGZkY2Y0ZTJkNjUwYTJmNzlmMyIsInJlZ2lzdHJhdGlvbl9pZCI6InJlZ19hZ2VudC1wYXRj"
    "aGVyLTAxXzE3NjcyMjU2MDAifX0."
    "0NKH2vgj0xCKQ6zQ0T3oRhmQ3hlDg0OvdwbdQKFpxz3jIVxBJ2XCb4opwBabZ1EKF48V0rfXBRMTNRfQ9BPhAw";
static const char kat_ed_proof[] =
    "eyJhbGciOiJFZERTQSIsImp3ayI6eyJjcnYiOiJFZDI1NTE5Iiwia3R5IjoiT0tQIiwieCI6IktheTY0VUc4eXZDeUxocV"
    "UwMDBMeHpZZVVtMExfaExJbDVTOGt5S1diZGMifSwidHlwIjoiZHBvcCtqd3QifQ."
    "eyJqdGkiOiJwcmYtMDEyMzQ1Njc4OWFiY2RlZiIsImh0bSI6IkdFVCIsImh0dSI6Imh0dHA6Ly9sb2NhbGhvc3QvdjEvcm"
    "91dGVzIiwiaWF0IjoxNzY3MjI1NjEwLCJhdGgiOiIxY2FKV1ZwQmp4dHI3d1VMbkNneFk5X05LLWhjWkk1bGVjWGYzSjl0"
    "bFZFIn0.nZ7G82FQXqfAtV71saXxcemT6EYCqOzdIhC_K_"
    "ITxn9cDoWlphPUZ3UGaixkJxRsmNPiF038XcfQW5ffhYYdAA";
static const char kat_ec_token[] =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImNvcnAtZXMtMSIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLmludGVybmFsIiwiYXVkIjpbInVybjpvbW5pZDpub2RlOnRlc3QiLCJvdG"
    "hlciJdLCJzdWIiOiJhZ2VudC1wYXRjaGVyLTAxIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjcyMjU5MDAsImp0aSI6"
    "InRvay0wMTIzNDU2Nzg5YWJjZGVmIiwic2NvcGUiOiJwZWVyLnJlYWQiLCJjbmYiOnsiandrIjp7Imt0eSI6IkVDIiwiY3"
    "J2IjoiUC0yNTYiLCJ4IjoibG5DRFh5eVRaWmtvd25XbS1QLWRBSEpFLWUwLVZZT0VNZ2E0LWpkaGprOCIsInkiOiI0VXVM"
    "ZWVVWk5ocDlFckJ4LU0wQjNuYmtiaUxGQmR4eUtvN0xDY2lMQ0VVIn19LCJpbnRlbnQiOnsid29ya2Zsb3dfaWQiOiJ3Zi"
    "1wYXRjaCIsIndvcmtmbG93X3N0ZXAiOiJzY2FuIiwiZXhlY3V0ZWRfYnkiOiJhZ2VudC1wYXRjaGVyLTAxIiwiZGVsZWdh"
    "dGlvbl9jaGFpbiI6IjAxMjM0NTY3ODlhYmNkZWYiLCJzdGVwX3NlcXVlbmNlX2hhc2giOiJmZWRjYmE5ODc2NTQzMjEwIn"
    "0sImFnZW50X3Byb29mIjp7ImFnZW50X2NoZWNrc3VtIjoic2hhMjU2OjI0MmQyZjIzYTE5NDQ4M2EwYWVhMTljNjBmODZj"
    "YTJmYjg4N2Q5N2VkZmQyY2RmZGNmNGUyZDY1MGEyZjc5ZjMiLCJyZWdpc3RyYXRpb25faWQiOiJyZWdfYWdlbnQtcGF0Y2"
    "hlci0wMV8xNzY3MjI1NjAwIn19.VT1mWohwYAE_"
    "F6TiH9CvJXXzRyELNy4uHe2q4y4X61sCEJpH34NGr0Q0ADisaUILISBqvysrbSf1UR9Fk_AP_A";
static const char kat_ec_proof[] =
    "eyJhbGciOiJFUzI1NiIsImp3ayI6eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImxuQ0RYeXlUWlprb3duV20tUC"
    "1kQUhKRS1lMC1WWU9FTWdhNC1qZGhqazgiLCJ5IjoiNFV1TGVlVVpOaHA5RXJCeC1NMEIzbmJrYmlMRkJkeHlLbzdMQ2Np"
    "TENFVSJ9LCJ0eXAiOiJkcG9wK2p3dCJ9."
    "eyJqdGkiOiJwcmYtMDEyMzQ1Njc4OWFiY2RlZiIsImh0bSI6IkdFVCIsImh0dSI6Imh0dHA6Ly8xMjcuMC4wLjE6NzQxMS"
    "92MS9wZWVycyIsImlhdCI6MTc2NzIyNTYxMCwiYXRoIjoidXluMjBPZ09RV1JINUlfOUUzQmJPVmhER2RZWG5wZVNCcGN2"
    "WFhTZmF4TSJ9.jiS86l1YdBEUEq6kHdc1Y7KJ1jc2VD-a6oF1qU5NI1_k8kuOji_"
    "o7cFebax1fsZMVV3weiMk7iIN0fzgitJEUw";
static const char kat_ed_jkt[] = "AkXIZFzonb59ZmGwyKgi3H3BwMi6amevqdKQiLZhdtc";
static const char kat_ec_jkt[] = "uJkYOW9RSJluJ5wENxqkKcBgtkdg_lUuDTGGzxfozpM";
static const char kat_iss_ed_pub[] =
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
static const char kat_iss_ec_pub[] =
    "04471c3e758c4904285bba7e53118ed0f524adeb0757d25bd2f8e7b0d76dfa714cdd520f7aca8a8b917acc37f51de8"
    "f0c9bbe3ad858382e702dc25a12d09f7a858";
