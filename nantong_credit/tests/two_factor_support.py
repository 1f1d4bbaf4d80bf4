"""Authenticator codes for tests, computed as the app on a phone computes them."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from nantong_credit import two_factor


def code_for(device: TOTPDevice) -> str:
    """The code the phone shows now or, when this one was used already, the next one (a used
    code is refused; the next is accepted within the device's tolerance of one step)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = time.time() + device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():06d}"


def enrol(user) -> TOTPDevice:
    """Give `user` a confirmed device through the real enrolment service."""
    device = two_factor.start_enrolment(user=user)
    return two_factor.confirm_enrolment(user=user, token=code_for(device))
